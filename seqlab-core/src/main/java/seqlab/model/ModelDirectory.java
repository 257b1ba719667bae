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

    private ModelDirectory() {}

    /** A model read from its directory, one case per capability: what a command switches over. */
    public sealed interface Loaded {

        /** The model as a module, for what every model has (parameters, training mode). */
        Module module();

        ModelConfig config();

        /** Load warnings (names in the file the model does not have, …). */
        List<String> warnings();

        /** The tokenizer in one line, or null when the model has none. */
        String tokenizerSummary();

        /** A model that continues a sequence; its tokenizer is null when the directory has none (it runs on ids). */
        record Generator(LanguageModel model, Tokenizer tokenizer, List<String> warnings) implements Loaded {
            @Override
            public Module module() {
                return model.module();
            }

            @Override
            public ModelConfig config() {
                return model.config();
            }

            @Override
            public String tokenizerSummary() {
                return tokenizer == null ? null : tokenizer.summary();
            }
        }

        /** A model that turns a source sequence into a target one, with its two vocabularies. */
        record Translator(TranslationModel model, PairTokenizer tokenizer, List<String> warnings) implements Loaded {
            @Override
            public Module module() {
                return model.module();
            }

            @Override
            public ModelConfig config() {
                return model.config();
            }

            @Override
            public String tokenizerSummary() {
                return tokenizer.summary();
            }
        }
    }

    /** Any model directory, for describing it: the model, its config, its tokenizer in one line (null: none), warnings. */
    public record Described(Module model, JsonFields config, String tokenizer, List<String> warnings) {}

    /** Loads whatever model the directory holds (checking names and shapes) and describes it. */
    public static Described describe(Path dir) {
        Loaded l = load(dir);
        return new Described(l.module(), config(dir), l.tokenizerSummary(), l.warnings());
    }

    public static void save(Path dir, LanguageModel model, Tokenizer tokenizer) {
        save(dir, model.weights(), model.config().toJson(), tokenizer == null ? null : tokenizer.toJson());
    }

    public static void save(Path dir, TranslationModel model, PairTokenizer tokenizer) {
        save(dir, StateDict.entries(model.module()), model.config().toJson(), tokenizer.toJson());
    }

    /** Weights, tokenizer.json and then config.json (a directory with a config is complete). */
    public static void save(Path dir, Map<String, Safetensors.Entry> weights, Map<String, Object> config, Map<String, Object> tokenizer) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + IoErrors.describe(e), e);
        }
        Safetensors.write(dir.resolve(WEIGHTS), weights, Map.of("format", "pt"));
        if (tokenizer != null) {
            AtomicFiles.writeString(dir.resolve(TOKENIZER), Json.writePretty(tokenizer));
        }
        // config.json last: a directory with a config is a complete model
        AtomicFiles.writeString(dir.resolve(CONFIG), Json.writePretty(config));
    }

    /** The files {@link #exportHuggingFace} writes for this model; refuses a model Hugging Face's GPT-2 cannot hold. */
    public static List<String> huggingFaceFiles(Loaded.Generator g) {
        gpt(g);
        return seqlab.model.hf.Gpt2Directory.files(g.tokenizer());
    }

    /** Writes the model as a Hugging Face directory ({@link seqlab.model.hf.Gpt2Directory}); the files written. */
    public static List<String> exportHuggingFace(Loaded.Generator g, Path dir) {
        seqlab.model.hf.Gpt2Directory.write(dir, gpt(g), g.tokenizer());
        return seqlab.model.hf.Gpt2Directory.files(g.tokenizer());
    }

    /** The generator as a GPT with learned positions, or the one-line reason it has no Hugging Face GPT-2 form. */
    private static Gpt gpt(Loaded.Generator g) {
        if (!(g.model() instanceof Gpt gpt)) {
            throw new IllegalArgumentException("a " + g.model().config().architecture() + " model has no Hugging Face form here; "
                    + "only GPT models (--arch gpt) export with --hf");
        }
        seqlab.model.hf.Gpt2Config.toJson(gpt.config());                          // refuses rotary positions, before any file
        return gpt;
    }

    /** What the model in {@code dir} can do, from its config.json. */
    public static Capability capability(Path dir) {
        return modelConfig(dir).capability();
    }

    /** The {@code architecture} field of the directory's config.json (rnn-lm, seq2seq, transformer). */
    public static String architecture(Path dir) {
        return modelConfig(dir).architecture();
    }

    private static ModelConfig modelConfig(Path dir) {
        return ModelConfig.fromJson(config(dir));
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
        return readJson(cfgPath);
    }

    private static List<String> loadWeights(Path dir, Module model) {
        return StateDict.load(model, weightsFile(dir));
    }

    private static Safetensors.File weightsFile(Path dir) {
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.exists(weights)) {
            throw new IllegalArgumentException(dir + ": no " + WEIGHTS + " beside config.json; the model directory is incomplete");
        }
        return Safetensors.open(weights);
    }

    /** Whatever model the directory holds, its weights checked against its config (names and shapes) and its tokenizer against its sizes. */
    public static Loaded load(Path dir) {
        ModelConfig config = modelConfig(dir);
        config.weightsFootprint().requireFits(1, "weights", false, Footprint.freeHeap(),
                config.sizeFields() + " in " + dir.resolve(CONFIG));
        Loaded loaded = switch (config) {
            case RnnLmConfig c -> {
                RnnLanguageModel model = c.build(new Rng(0));
                List<String> warnings = model.loadWeights(weightsFile(dir));
                yield new Loaded.Generator(model, lmTokenizer(dir, c.vocabSize(), false), warnings);
            }
            case GptConfig c -> {
                Gpt model = c.build(new Rng(0));
                List<String> warnings = model.loadWeights(weightsFile(dir));
                yield new Loaded.Generator(model, lmTokenizer(dir, c.vocabSize(), true), warnings);
            }
            case Seq2SeqConfig c -> {
                Seq2Seq model = c.build(new Rng(0));
                List<String> warnings = loadWeights(dir, model);
                yield new Loaded.Translator(model, pairTokenizer(dir, c.sourceVocab(), c.targetVocab()), warnings);
            }
            case TransformerConfig c -> {
                Transformer model = c.build(new Rng(0));
                List<String> warnings = loadWeights(dir, model);
                yield new Loaded.Translator(model, pairTokenizer(dir, c.srcVocabSize(), c.tgtVocabSize()), warnings);
            }
        };
        loaded.module().train(false);
        return loaded;
    }

    /** A model that generates, or an error naming what the directory holds instead and what {@code command} needs. */
    public static Loaded.Generator loadGenerator(Path dir, String command) {
        require(dir, Capability.GENERATES, command, "a language model (train one with --arch gpt, lstm, rnn, rnn_relu or gru)");
        return (Loaded.Generator) load(dir);
    }

    /** A model that translates, or an error naming what the directory holds instead and what {@code command} needs. */
    public static Loaded.Translator loadTranslator(Path dir, String command) {
        require(dir, Capability.TRANSLATES, command, "a translation model (train one with --arch seq2seq or --arch transformer)");
        return (Loaded.Translator) load(dir);
    }

    private static void require(Path dir, Capability needed, String command, String what) {
        ModelConfig c = modelConfig(dir);
        if (c.capability() != needed) {
            throw new IllegalArgumentException(dir + " holds a " + c.architecture() + " model; " + command + " needs " + what);
        }
    }

    /**
     * The directory's tokenizer, checked against the model's vocabulary size; with {@code spare}, the
     * model may have more rows than the tokenizer has tokens (nanoGPT pads GPT-2's 50,257 to 50,304).
     */
    private static Tokenizer lmTokenizer(Path dir, int vocabSize, boolean spare) {
        Tokenizer tok = readTokenizer(dir);
        if (tok != null && (spare ? tok.vocabSize() > vocabSize : tok.vocabSize() != vocabSize)) {
            throw new FormatException(dir + ": the tokenizer has " + tok.vocabSize() + " tokens, but config.json says vocab_size "
                    + vocabSize + "; the files come from different models");
        }
        return tok;
    }

    private static PairTokenizer pairTokenizer(Path dir, int sourceVocab, int targetVocab) {
        Path tokPath = dir.resolve(TOKENIZER);
        if (!Files.exists(tokPath)) {
            throw new IllegalArgumentException(dir + ": no " + TOKENIZER + "; a translation model needs its vocabularies");
        }
        PairTokenizer tok = PairTokenizer.fromJson(readJson(tokPath));
        if (tok.source().size() != sourceVocab || tok.target().size() != targetVocab) {
            throw new FormatException(tokPath + ": vocabularies of " + tok.source().size() + " and " + tok.target().size()
                    + " words, but config.json says " + sourceVocab + " and " + targetVocab
                    + "; the files come from different models");
        }
        return tok;
    }

    /** The directory's tokenizer (tokenizer.json, or GPT-2's vocab.json + merges.txt), or null when it has none. */
    public static Tokenizer readTokenizer(Path dir) {
        return Tokenizers.readIfPresent(dir);
    }

    /** Reads a JSON object file with errors that name it ({@link Text#readJson}). */
    public static JsonFields readJson(Path p) {
        return Text.readJson(p);
    }
}
