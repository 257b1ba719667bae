package seqlab.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import seqlab.io.IoErrors;
import seqlab.io.AtomicFiles;
import seqlab.io.FormatException;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.io.Safetensors;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.text.PairTokenizer;
import seqlab.text.Text;
import seqlab.text.Tokenizer;
import seqlab.text.Tokenizers;

/**
 * A model on disk is a directory: {@code config.json} (architecture and sizes),
 * {@code model.safetensors} (weights under PyTorch's names, {@code __metadata__ {"format": "pt"}}),
 * and, optionally, {@code tokenizer.json} (a model without one runs on token ids).
 */
public final class ModelDirectory {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String TOKENIZER = "tokenizer.json";

    /** A loaded model with its tokenizer (null if the directory has none) and load warnings. */
    public record Loaded(RnnLanguageModel model, Tokenizer tokenizer, List<String> warnings) {}

    private ModelDirectory() {}

    /** A loaded translation model with its tokenizer and load warnings. */
    public record LoadedSeq2Seq(Seq2Seq model, PairTokenizer tokenizer, List<String> warnings) {}

    /** Any model directory, for describing it: the model, its config, its tokenizer in one line (null: none), warnings. */
    public record Described(Module model, JsonFields config, String tokenizer, List<String> warnings) {}

    /** Loads whatever model the directory holds (checking names and shapes) and describes it. */
    public static Described describe(Path dir) {
        JsonFields cfg = config(dir);
        return switch (capability(cfg)) {
            case TRANSLATES -> {
                LoadedSeq2Seq l = loadSeq2Seq(dir);
                yield new Described(l.model(), cfg, l.tokenizer().summary(), l.warnings());
            }
            case GENERATES -> {
                Loaded l = load(dir);
                yield new Described(l.model(), cfg, l.tokenizer() == null ? null : l.tokenizer().summary(), l.warnings());
            }
        };
    }

    public static void save(Path dir, RnnLanguageModel model, Tokenizer tokenizer) {
        save(dir, model, model.config().toJson(), tokenizer == null ? null : tokenizer.toJson());
    }

    public static void save(Path dir, Seq2Seq model, PairTokenizer tokenizer) {
        save(dir, model, model.config().toJson(), tokenizer.toJson());
    }

    private static void save(Path dir, Module model, Map<String, Object> config, Map<String, Object> tokenizer) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + IoErrors.describe(e), e);
        }
        Safetensors.write(dir.resolve(WEIGHTS), StateDict.entries(model), Map.of("format", "pt"));
        if (tokenizer != null) {
            AtomicFiles.writeString(dir.resolve(TOKENIZER), Json.writePretty(tokenizer));
        }
        // config.json last: a directory with a config is a complete model
        AtomicFiles.writeString(dir.resolve(CONFIG), Json.writePretty(config));
    }

    /** What the model in {@code dir} can do, from its config.json. */
    public static Capability capability(Path dir) {
        return capability(config(dir));
    }

    /** What a model of this config.json (or a checkpoint's copy of it) can do: the one place that maps architectures to it. */
    public static Capability capability(JsonFields config) {
        String arch = config.string("architecture");
        return switch (arch) {
            case RnnLmConfig.ARCHITECTURE -> Capability.GENERATES;
            case Seq2SeqConfig.ARCHITECTURE -> Capability.TRANSLATES;
            default -> throw new FormatException(config.where() + ": architecture \"" + arch + "\" is not supported by this version "
                    + "(supported: " + RnnLmConfig.ARCHITECTURE + ", " + Seq2SeqConfig.ARCHITECTURE + ")");
        };
    }

    /** The {@code architecture} field of the directory's config.json (rnn-lm, seq2seq). */
    public static String architecture(Path dir) {
        return config(dir).string("architecture");
    }

    private static JsonFields config(Path dir) {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException(dir + ": no such model directory; train one with 'seqlab train --out " + dir + "'");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is a file, expected a model directory (config.json, model.safetensors, tokenizer.json)");
        }
        Path cfgPath = dir.resolve(CONFIG);
        if (!Files.exists(cfgPath)) {
            throw new IllegalArgumentException(dir + ": no " + CONFIG + "; a model directory holds config.json, model.safetensors and tokenizer.json");
        }
        JsonFields cfg = readJson(cfgPath);
        capability(cfg);                                                  // an architecture this version knows
        return cfg;
    }

    private static List<String> loadWeights(Path dir, Module model) {
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.exists(weights)) {
            throw new IllegalArgumentException(dir + ": no " + WEIGHTS + " beside config.json; the model directory is incomplete");
        }
        return StateDict.load(model, Safetensors.open(weights));
    }

    /** A language model directory (architecture rnn-lm). */
    public static Loaded load(Path dir) {
        JsonFields cfg = config(dir);
        RnnLmConfig config = RnnLmConfig.fromJson(cfg);
        RnnLanguageModel.footprint(config, 1, 1).requireFits(1, "weights", false, Footprint.freeHeap(),
                "vocab_size, hidden_size, num_layers in " + dir.resolve(CONFIG));
        RnnLanguageModel model = new RnnLanguageModel(config, new Rng(0));
        List<String> warnings = loadWeights(dir, model);
        Tokenizer tok = readTokenizer(dir);
        Path tokPath = dir.resolve(TOKENIZER);
        if (tok != null) {
            if (tok.vocabSize() != config.vocabSize()) {
                throw new FormatException(tokPath + ": vocabulary of " + tok.vocabSize() + " tokens, but config.json says vocab_size "
                        + config.vocabSize() + "; the files come from different models");
            }
        }
        model.train(false);
        return new Loaded(model, tok, warnings);
    }

    /** A translation model directory (architecture seq2seq); it must hold its tokenizer.json. */
    public static LoadedSeq2Seq loadSeq2Seq(Path dir) {
        Seq2SeqConfig config = Seq2SeqConfig.fromJson(config(dir));
        Seq2Seq.footprint(config, 1, 1, 1).requireFits(1, "weights", false, Footprint.freeHeap(),
                "the vocabulary sizes, hidden_size, num_layers in " + dir.resolve(CONFIG));
        Seq2Seq model = new Seq2Seq(config, new Rng(0));
        List<String> warnings = loadWeights(dir, model);
        Path tokPath = dir.resolve(TOKENIZER);
        if (!Files.exists(tokPath)) {
            throw new IllegalArgumentException(dir + ": no " + TOKENIZER + "; a translation model needs its vocabularies");
        }
        PairTokenizer tok = PairTokenizer.fromJson(readJson(tokPath));
        if (tok.source().size() != config.sourceVocab() || tok.target().size() != config.targetVocab()) {
            throw new FormatException(tokPath + ": vocabularies of " + tok.source().size() + " and " + tok.target().size()
                    + " words, but config.json says " + config.sourceVocab() + " and " + config.targetVocab()
                    + "; the files come from different models");
        }
        model.train(false);
        return new LoadedSeq2Seq(model, tok, warnings);
    }

    /** The directory's tokenizer.json, or null when it has none. */
    public static Tokenizer readTokenizer(Path dir) {
        Path p = dir.resolve(TOKENIZER);
        return Files.exists(p) ? Tokenizers.fromJson(readJson(p)) : null;
    }

    /** Reads a JSON object file with errors that name it. */
    public static JsonFields readJson(Path p) {
        String text = Text.readUtf8(p);
        Object json;
        try {
            json = Json.parse(text);
        } catch (FormatException e) {
            throw new FormatException(p + ": " + e.getMessage());
        }
        return new JsonFields(json, p.toString());
    }
}
