package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.data.LmDataset;
import seqlab.data.TranslationData;
import seqlab.io.Directories;
import seqlab.model.Capability;
import seqlab.model.Footprint;
import seqlab.model.ModelConfig;
import seqlab.model.ModelDirectory;
import seqlab.model.GptConfig;
import seqlab.model.RnnLmConfig;
import seqlab.model.Seq2SeqConfig;
import seqlab.model.TransformerConfig;
import seqlab.tensor.Rng;
import seqlab.text.CharTokenizer;
import seqlab.text.Tokenizer;
import seqlab.text.Tokenizers;
import seqlab.text.WordTokenizer;
import seqlab.train.BestModel;
import seqlab.train.Checkpoint;
import seqlab.train.RunLock;
import seqlab.train.TrainConfig;
import seqlab.train.Trainer;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a language model (GPT, or a recurrent one: RNN, LSTM, GRU) on a text file or a built-in corpus, "
                + "or fine-tune one (--init-from), or (--arch seq2seq, transformer) an encoder-decoder translation model on a parallel "
                + "corpus. A flag that has no effect on the chosen architecture or settings is refused.")
final class TrainCommand implements Callable<Integer> {

    static final String LM = "language models (--arch gpt, rnn, rnn_relu, lstm or gru)";
    static final String RNN_LM = "recurrent language models (--arch rnn, rnn_relu, lstm or gru)";
    static final String TRANSFORMERS = "Transformer models (--arch transformer or gpt)";
    static final String SEQ2SEQ = "seq2seq models (--arch seq2seq)";
    static final String TRANSFORMER = "Transformer models (--arch transformer)";
    static final String TRANSLATION = "translation models (--arch seq2seq or transformer)";
    static final String RECURRENT = "recurrent models (--arch rnn, rnn_relu, lstm, gru or seq2seq)";

    @Spec
    CommandSpec spec;

    @Option(names = "--arch", description = "gpt, rnn (tanh), rnn_relu, lstm, gru (language models), seq2seq or transformer "
            + "(translation) (default: ${DEFAULT-VALUE})", defaultValue = "lstm")
    String arch;

    @Option(names = "--init-from", description = "fine-tune this language model directory (seqlab's, or a Hugging Face GPT-2's) on "
            + "--data, with its tokenizer; its sizes are kept (only --dropout may change a GPT's)")
    Path initFrom;

    @Option(names = "--data", description = "a UTF-8 text file, or builtin:sentences / builtin:arithmetic; for translation: "
            + TranslationData.SPECS + " (default: builtin:sentences, for translation builtin:dates)")
    String data;

    @Option(names = "--out", description = "output directory: the model, log.csv and checkpoints (default: ${DEFAULT-VALUE})", defaultValue = "runs/lm")
    Path out;

    @Option(names = "--force", description = "overwrite an existing run in --out")
    boolean force;

    @Option(names = "--resume", description = "continue the run in this directory from its newest checkpoint, up to --steps "
            + "(only --steps, --data and --threads may be given with it)")
    Path resume;

    @Option(names = "--keep-best", description = "also keep the model of the lowest validation loss in OUT/best/, a model directory "
            + "as OUT itself (OUT keeps the newest)")
    boolean keepBest;

    @Option(names = "--steps", defaultValue = "2000", description = "optimizer steps in all (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--seed", defaultValue = "1337", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    ThreadsOption threads;

    @ArgGroup(exclusive = false, heading = "%nThe model (every architecture):%n")
    ModelFlags model = new ModelFlags();

    @ArgGroup(exclusive = false, heading = "%nLanguage models only (--arch rnn, rnn_relu, lstm, gru):%n")
    LmFlags lm = new LmFlags();

    @ArgGroup(exclusive = false, heading = "%nSeq2seq only (--arch seq2seq):%n")
    Seq2SeqFlags s2s = new Seq2SeqFlags();

    @ArgGroup(exclusive = false, heading = "%nTransformer only (--arch transformer; defaults as nn.Transformer's):%n")
    TransformerFlags tf = new TransformerFlags();

    @ArgGroup(exclusive = false, heading = "%nTranslation (--arch seq2seq or transformer):%n")
    TranslationFlags tr = new TranslationFlags();

    @ArgGroup(exclusive = false, heading = "%nOptimization (defaults as PyTorch's torch.optim where it has one):%n")
    OptimFlags opt = new OptimFlags();

    static final class ModelFlags {
        @Option(names = "--layers", defaultValue = "2", description = "recurrent layers; the Transformer's encoder layers; GPT's blocks "
                + "(default: ${DEFAULT-VALUE}; 6 for the Transformer, 4 for GPT)")
        int layers = 2;

        @Option(names = "--hidden", defaultValue = "256", description = "recurrent models: hidden size H (default: ${DEFAULT-VALUE})")
        int hidden = 256;

        @Option(names = "--embed", defaultValue = "128", description = "recurrent models: embedding size E (default: ${DEFAULT-VALUE})")
        int embed = 128;

        @Option(names = "--dropout", defaultValue = "0.0", description = "dropout on embeddings, between layers and before the output; "
                + "in the Transformer and GPT also on attention weights and sublayer outputs (default: ${DEFAULT-VALUE}; 0.1 for the "
                + "Transformer)")
        float dropout;

        @Option(names = "--min-freq", defaultValue = "1", description = "word vocabularies (--tokenizer word, and seq2seq): keep words "
                + "seen at least this often (default: ${DEFAULT-VALUE})")
        int minFreq = 1;
    }

    static final class LmFlags {
        @Option(names = "--tokenizer", description = "char, word, bpe:PATH, a byte-level BPE tokenizer (a tokenizer.json, or a "
                + "directory holding one, or GPT-2's encoder.json + vocab.bpe or vocab.json + merges.txt), or gpt2, GPT-2's own (read "
                + "from ../shared/data/gpt2-bpe) (default: ${DEFAULT-VALUE})",
                defaultValue = "char")
        String tokenizer = "char";

        @Option(names = "--tie", description = "recurrent models: tie the decoder to the embedding (needs --hidden == --embed; GPT "
                + "always ties)")
        boolean tie;

        @Option(names = "--seq", defaultValue = "128", description = "tokens per sequence, T; GPT's block size, at most its "
                + "n_positions (default: ${DEFAULT-VALUE})")
        int seq = 128;

        @Option(names = "--eval-batches", defaultValue = "20", description = "validation batches per evaluation (seq2seq evaluates "
                + "the whole validation split) (default: ${DEFAULT-VALUE})")
        int evalBatches = 20;
    }

    static final class Seq2SeqFlags {
        @Option(names = "--cell", defaultValue = "gru", description = "rnn, lstm or gru (default: ${DEFAULT-VALUE})")
        String cell = "gru";

        @Option(names = "--attention", defaultValue = "bahdanau", description = Seq2SeqConfig.Attention.IDS + " (default: ${DEFAULT-VALUE})")
        String attention = "bahdanau";

        @Option(names = "--bidirectional", description = "the encoder reads both ways")
        boolean bidirectional;

        @Option(names = "--teacher-forcing", defaultValue = "0.5", description = "probability that a decoder step reads the true "
                + "previous token, in [0, 1] (default: ${DEFAULT-VALUE})")
        double teacherForcing = 0.5;

        @Option(names = "--max-length", defaultValue = "100", description = "longest source (and output) in tokens (default: ${DEFAULT-VALUE})")
        int maxLength = 100;
    }

    static final class TransformerFlags {
        @Option(names = "--d-model", defaultValue = "512", description = "d_model (GPT's n_embd), every position's width (default: "
                + "${DEFAULT-VALUE}; 128 for GPT)")
        int dModel = 512;

        @Option(names = "--heads", defaultValue = "8", description = "attention heads, dividing --d-model (default: ${DEFAULT-VALUE}; "
                + "4 for GPT)")
        int heads = 8;

        @Option(names = "--decoder-layers", description = "decoder layers (default: as --layers)")
        Integer decoderLayers;

        @Option(names = "--ffn", defaultValue = "2048", description = "feed-forward inner width, dim_feedforward (GPT's n_inner) "
                + "(default: ${DEFAULT-VALUE}; 4 x --d-model for GPT)")
        int ffn = 2048;

        @Option(names = "--positional", defaultValue = "sinusoidal", description = seqlab.nn.transformer.Positional.IDS
                + " (default: ${DEFAULT-VALUE}; GPT: learned or rotary, default learned)")
        String positional = "sinusoidal";

        @Option(names = "--norm-first", description = "pre-LN layers, x + f(LayerNorm(x)), instead of the paper's post-LN")
        boolean normFirst;

        @Option(names = "--activation", defaultValue = "relu", description = seqlab.nn.transformer.Activation.IDS
                + " (default: ${DEFAULT-VALUE}; gelu_new, GPT-2's, for GPT)")
        String activation = "relu";

        @Option(names = "--max-positions", defaultValue = "256", description = "longest source and output in tokens; the rows of "
                + "learned positions; GPT's context window, n_positions (default: ${DEFAULT-VALUE}; --seq for GPT)")
        int maxPositions = 256;
    }

    static final class TranslationFlags {
        @Option(names = "--label-smoothing", defaultValue = "0.0", description = "label smoothing of the training loss, as "
                + "PyTorch's CrossEntropyLoss (the paper: 0.1) (default: ${DEFAULT-VALUE})")
        float labelSmoothing;
    }

    static final class OptimFlags {
        @Option(names = "--batch", defaultValue = "32", description = "sequences (seq2seq: pairs) per step, B (default: ${DEFAULT-VALUE})")
        int batch = 32;

        @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw, adam or sgd (default: ${DEFAULT-VALUE}); Adam's "
                + "betas (0.9, 0.999) and eps 1e-8")
        String optimizer = "adamw";

        @Option(names = "--lr", defaultValue = "2e-3", description = "peak learning rate (default: ${DEFAULT-VALUE})")
        float lr = 2e-3f;

        @Option(names = "--weight-decay", description = "weight decay on matrices and embeddings: decoupled for adamw, L2 added to the "
                + "gradient for adam and sgd (default: PyTorch's, 0.01 for adamw, 0 for adam and sgd)")
        Float weightDecay;

        @Option(names = "--momentum", description = "sgd only: momentum (default: 0, as PyTorch's)")
        Float momentum;

        @Option(names = "--schedule", defaultValue = "cosine", description = "constant, cosine (warm-up, then decay to lr/10 at the "
                + "last step) or inverse-sqrt (warm-up, then lr·sqrt(warmup/step), the Transformer paper's) (default: ${DEFAULT-VALUE})")
        String schedule = "cosine";

        @Option(names = "--warmup", description = "cosine and inverse-sqrt: warm-up steps (default: a tenth of --steps, at most "
                + TrainConfig.MAX_DEFAULT_WARMUP + ")")
        Integer warmup;

        @Option(names = "--beta2", description = "adam and adamw: beta2 (default: 0.999, PyTorch's; nanoGPT: 0.99 for small models, "
                + "0.95 for GPT-2)")
        Double beta2;

        @Option(names = "--min-lr", description = "cosine: the learning rate at the last step (default: --lr / 10)")
        Float minLr;

        @Option(names = "--grad-accum", defaultValue = "1", description = "micro-batches of --batch sequences per optimizer step, "
                + "their gradients averaged (default: ${DEFAULT-VALUE})")
        int gradAccum = 1;

        @Option(names = "--clip", defaultValue = "1.0", description = "max global gradient norm, 0 = off (default: ${DEFAULT-VALUE})")
        float clip = 1f;

        @Option(names = "--eval-every", defaultValue = "200", description = "evaluate and checkpoint every N steps (default: ${DEFAULT-VALUE})")
        int evalEvery = 200;
    }

    /** Warnings found while checking, said once the run starts (a refused run says only why). */
    private final java.util.List<String> warnings = new java.util.ArrayList<>();

    /** What --resume may be given with: the run keeps every other setting of its checkpoint. */
    private static final Set<String> RESUME_FLAGS = Set.of("--resume", "--steps", "--data", "--threads");

    @Override
    public Integer call() {
        threads.validate();
        PrintWriter err = spec.commandLine().getErr();
        return resume != null ? resume(err) : start(err);
    }

    private int start(PrintWriter err) {
        RunDirectory.check("--out", out);
        boolean seq2seq = arch.equals("seq2seq");
        boolean transformer = arch.equals("transformer");
        boolean gpt = arch.equals("gpt");
        if (!seq2seq && !transformer && !gpt) {
            Options.cell(arch);                                   // an unknown --arch, before anything else
        }
        if (initFrom != null) {
            rejectWithInitFrom();
        }
        rejectMisplaced(seq2seq, transformer, gpt);
        RunLock.requireFree(out);
        requireNoRun();
        TrainConfig cfg = trainConfig(seq2seq || transformer);
        if (transformer) {
            TransformerConfig template = transformerTemplate();
            TranslationData td = Seq2SeqTraining.read(data == null ? "builtin:dates" : data);
            java.io.StringWriter header = new java.io.StringWriter();
            Trainer t = Seq2SeqTraining.start(tok -> withVocabularies(template, tok), td, model.minFreq, cfg, 1.0, tr.labelSmoothing, out,
                    new PrintWriter(header, true), new Progress(err, Options.live()));
            return startTraining(err, t, () -> err.print(header));
        }
        if (seq2seq) {
            Seq2SeqConfig template;
            try {
                // vocabulary sizes are placeholders until the tokenizer is fitted
                template = new Seq2SeqConfig(Options.cell("--cell", s2s.cell), Seq2SeqConfig.Attention.fromId(s2s.attention), 5, 5,
                        model.embed, model.hidden, model.layers, s2s.bidirectional, model.dropout, s2s.maxLength);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage().startsWith("unknown attention") ? "--attention: " + e.getMessage() : e.getMessage());
            }
            if (!(s2s.teacherForcing >= 0 && s2s.teacherForcing <= 1)) {
                throw new UserException("--teacher-forcing must be in [0, 1], got " + s2s.teacherForcing);
            }
            TranslationData td = Seq2SeqTraining.read(data == null ? "builtin:dates" : data);
            java.io.StringWriter header = new java.io.StringWriter();
            Trainer t = Seq2SeqTraining.start(Seq2SeqTraining.sized(template), td, model.minFreq, cfg, s2s.teacherForcing, tr.labelSmoothing, out,
                    new PrintWriter(header, true), new Progress(err, Options.live()));
            return startTraining(err, t, () -> err.print(header));
        }
        ModelConfig placeholder = initFrom == null ? lmConfig(gpt, 1, null) : null;
        if (placeholder != null) {
            requireFits(placeholder, cfg, 1);                      // sizes that cannot work, before the data is read
            requireContext(placeholder, cfg.seq());
        }
        DataSource ds = DataSource.read(data == null ? "builtin:sentences" : data);
        ModelDirectory.Loaded.Generator init = initFrom == null ? null : initModel();
        Tokenizer tok = init != null ? init.tokenizer() : switch (lm.tokenizer) {
            case "char" -> CharTokenizer.fit(ds.text());
            case "word" -> WordTokenizer.fit(ds.text(), model.minFreq, Integer.MAX_VALUE, false);
            case Gpt2Tokenizer.NAME -> Gpt2Tokenizer.read();
            default -> {
                if (!lm.tokenizer.startsWith("bpe:") || lm.tokenizer.length() == 4) {
                    throw new UserException("--tokenizer must be char, word, bpe:PATH or gpt2, got " + lm.tokenizer);
                }
                yield Tokenizers.read(Path.of(lm.tokenizer.substring(4)));
            }
        };
        ModelConfig mc = init != null ? init.model().config() : lmConfig(gpt, tok.vocabSize(), tok);
        requireFits(mc, cfg, tok.vocabSize());
        requireContext(mc, cfg.seq());
        LmDataset dataset = LmDataset.split(tok.encode(ds.text()));
        dataset.requireWindow(cfg.seq(), ds.spec());
        TrainConfig used = evalBatchesFor(cfg, dataset);
        seqlab.model.LanguageModel m = init != null ? fineTuned(init.model(), used.seed())
                : (seqlab.model.LanguageModel) mc.build(new Rng(used.seed()));
        m.module().train(true);
        Trainer t = Trainer.start(new seqlab.train.LmTask(m, tok, dataset, used, String.valueOf(ds.describe().get("source"))), ds.describe(), used, out, new Progress(err, Options.live()));
        return startTraining(err, t, () -> {
            if (init != null) {
                err.printf(Locale.ROOT, "fine-tuning %s (%s, %,d parameters)%n", initFrom, mc.architecture(), m.module().parameterCount());
            }
            err.printf(Locale.ROOT, "%s: %,d %s tokens (vocabulary %d), train %,d / val %,d%n", ds.spec(),
                    dataset.train().length + dataset.val().length, tok.type(), tok.vocabSize(), dataset.train().length, dataset.val().length);
            err.println("optimizer: " + used.describe());
        });
    }

    /** A language model's config from the flags: GPT's (nanoGPT's CPU shakespeare_char sizes by default) or a recurrent one's. */
    private ModelConfig lmConfig(boolean gpt, int vocab, Tokenizer tok) {
        if (!gpt) {
            return new RnnLmConfig(Options.cell(arch), vocab, model.embed, model.hidden, model.layers, model.dropout, lm.tie);
        }
        int d = Options.given(spec, "--d-model") ? tf.dModel : 128;
        Integer eos = tok instanceof seqlab.text.ByteLevelBpe b && b.endOfText() >= 0 ? b.endOfText() : null;
        try {
            return new GptConfig(vocab, Options.given(spec, "--max-positions") ? tf.maxPositions : lm.seq, d,
                    Options.given(spec, "--layers") ? model.layers : 4, Options.given(spec, "--heads") ? tf.heads : 4,
                    Options.given(spec, "--ffn") ? tf.ffn : 4 * d,
                    Options.given(spec, "--activation") ? seqlab.nn.transformer.Activation.fromId(tf.activation)
                            : seqlab.nn.transformer.Activation.GELU_NEW,
                    model.dropout, model.dropout, model.dropout, 1e-5f, true,
                    Options.given(spec, "--positional") ? seqlab.nn.transformer.Positional.fromId(tf.positional)
                            : seqlab.nn.transformer.Positional.LEARNED, eos, eos);
        } catch (IllegalArgumentException e) {
            throw new UserException(flagged(e.getMessage().replace("n_embd", "--d-model").replace("n_head", "--heads")
                    .replace("n_layer", "--layers").replace("n_inner", "--ffn").replace("n_positions", "--max-positions")
                    .replace("positional must be learned or rotary", "--positional must be learned or rotary for GPT")));
        }
    }

    /** A block may not be longer than the model's context window (GPT's n_positions). */
    private void requireContext(ModelConfig c, int seq) {
        if (seq > c.contextLength()) {
            throw new UserException("--seq " + seq + " is above the model's context window, " + c.contextField() + " " + c.contextLength()
                    + (initFrom != null ? " (" + initFrom + ")" : "") + "; give --seq " + c.contextLength() + " or less"
                    + (initFrom != null ? "" : ", or --max-positions " + seq));
        }
    }

    /** The model --init-from names, with its tokenizer (a model without one cannot read text). */
    private ModelDirectory.Loaded.Generator initModel() {
        ModelDirectory.Loaded.Generator g = ModelDirectory.loadGenerator(initFrom, "--init-from");
        if (g.tokenizer() == null) {
            throw new UserException("--init-from " + initFrom + " has no tokenizer (tokenizer.json, or vocab.json + merges.txt), "
                    + "so it cannot read --data; add its tokenizer to the directory");
        }
        g.warnings().forEach(w -> warnings.add("seqlab: warning: " + w));
        return g;
    }

    /** The loaded model, or a copy of it with the given --dropout. */
    private seqlab.model.LanguageModel fineTuned(seqlab.model.LanguageModel loaded, long seed) {
        if (!Options.given(spec, "--dropout")) {
            return loaded;
        }
        seqlab.model.LanguageModel copy;
        try {
            copy = (seqlab.model.LanguageModel) loaded.config().withDropout(model.dropout).build(new Rng(seed));
        } catch (IllegalArgumentException e) {
            throw new UserException("--dropout: " + e.getMessage());
        }
        copy.module().copyFrom(loaded.module());
        return copy;
    }

    /** With --init-from the model's own architecture, sizes and tokenizer are kept: the flags that would set them are refused. */
    private void rejectWithInitFrom() {
        for (String f : new String[] {"--arch", "--tokenizer", "--layers", "--hidden", "--embed", "--tie", "--d-model", "--heads",
                "--ffn", "--positional", "--activation", "--max-positions", "--min-freq"}) {
            if (Options.given(spec, f)) {
                throw new UserException(f + " cannot be given with --init-from: the model keeps its own architecture, sizes and "
                        + "tokenizer; drop it");
            }
        }
    }

    /** The Transformer's sizes from the flags (vocabulary sizes placeholders until the tokenizer is fitted), nn.Transformer's defaults for the rest. */
    private TransformerConfig transformerTemplate() {
        int layers = Options.given(spec, "--layers") ? model.layers : 6;
        float dropout = Options.given(spec, "--dropout") ? model.dropout : 0.1f;
        try {
            return new TransformerConfig(tf.dModel, tf.heads, layers, tf.decoderLayers != null ? tf.decoderLayers : layers, tf.ffn,
                    dropout, seqlab.nn.transformer.Activation.fromId(tf.activation), tf.normFirst, 1e-5f, 5, 5,
                    seqlab.nn.transformer.Positional.fromId(tf.positional), tf.maxPositions);
        } catch (IllegalArgumentException e) {
            throw new UserException(flagged(e.getMessage()));
        }
    }

    /** A config's message in the flags' names: d_model → --d-model, nhead → --heads, and so on. */
    private static String flagged(String message) {
        return message.replace("d_model", "--d-model").replace("nhead", "--heads").replace("dim_feedforward", "--ffn")
                .replace("num_encoder_layers", "--layers").replace("num_decoder_layers", "--decoder-layers")
                .replace("max_positions", "--max-positions").replace("activation \"", "--activation \"")
                .replace("positional encoding \"", "--positional \"");
    }

    private static TransformerConfig withVocabularies(TransformerConfig c, seqlab.text.PairTokenizer tok) {
        return new TransformerConfig(c.dModel(), c.nhead(), c.numEncoderLayers(), c.numDecoderLayers(), c.dimFeedforward(), c.dropout(),
                c.activation(), c.normFirst(), c.layerNormEps(), tok.source().size(), tok.target().size(), c.positional(), c.maxPositions());
    }

    /** The default --eval-batches, cut to what a small validation split can give (said); one given is checked by the task. */
    private TrainConfig evalBatchesFor(TrainConfig cfg, LmDataset dataset) {
        int most = seqlab.train.LmTask.mostEvalBatches(dataset.val().length, cfg.seq(), cfg.batch());
        if (Options.given(spec, "--eval-batches") || cfg.evalBatches() <= most) {
            return cfg;
        }
        warnings.add(String.format(Locale.ROOT, "seqlab: warning: the validation split holds %,d tokens: %d evaluation batches "
                + "(not the default %d)", dataset.val().length, most, cfg.evalBatches()));
        return cfg.withEvalBatches(most);
    }

    /** A directory that holds a run is overwritten only with --force. */
    private void requireNoRun() {
        if (!force && RunDirectory.holdsRun(out)) {
            throw new UserException("--out " + out + " already holds a run; use --resume " + out + " to continue it, --force to overwrite, "
                    + "or another --out");
        }
    }

    /** --force: the old run's checkpoints go once the new run is known to be startable. */
    private void clearForce() {
        if (force && Files.exists(out.resolve(Checkpoint.DIR))) {
            Directories.deleteTree(out.resolve(Checkpoint.DIR));
        }
        if (force) {
            BestModel.delete(out);                                // the old run's best is not this run's
        }
    }

    /** The optimizer, schedule and evaluation settings, with PyTorch's defaults for what was not given. */
    private TrainConfig trainConfig(boolean seq2seq) {
        if (!opt.optimizer.equals("sgd")) {
            Options.onlyFor(spec, "--optimizer sgd", "--momentum");
        }
        if (opt.schedule.equals("constant")) {
            Options.onlyFor(spec, "--schedule cosine or inverse-sqrt", "--warmup");
        }
        float decay = opt.weightDecay != null ? opt.weightDecay : TrainConfig.defaultWeightDecay(opt.optimizer);
        int warmup = opt.warmup != null ? opt.warmup : TrainConfig.defaultWarmup(steps);
        if (opt.optimizer.equals("sgd")) {
            Options.onlyFor(spec, "--optimizer adam or adamw", "--beta2");
        }
        if (!opt.schedule.equals("cosine")) {
            Options.onlyFor(spec, "--schedule cosine", "--min-lr");
        }
        TrainConfig cfg;
        try {
            cfg = new TrainConfig(steps, opt.batch, seq2seq ? 1 : lm.seq, opt.optimizer, opt.lr, opt.schedule, warmup, decay,
                    opt.momentum != null ? opt.momentum : 0f, opt.clip, opt.evalEvery, lm.evalBatches, seed, keepBest,
                    opt.beta2 != null ? opt.beta2 : TrainConfig.BETA2, opt.minLr != null ? opt.minLr : opt.lr / 10, opt.gradAccum);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (keepBest) {
            BestModel.requireOurs(out);                            // before any data is read
        }
        if (!cfg.schedule().equals("constant") && warmup > steps) {
            warnings.add(String.format(Locale.ROOT, "seqlab: warning: --warmup %d is longer than --steps %d; the warm-up is cut to %d "
                    + "steps and the run ends at its peak learning rate", warmup, steps, steps));
        }
        return cfg;
    }

    /** Refuses the flags that have no effect on the chosen architecture. */
    private void rejectMisplaced(boolean seq2seq, boolean transformer, boolean gpt) {
        if (!transformer && !gpt) {
            Options.onlyFor(spec, TRANSFORMERS, "--d-model", "--heads", "--ffn", "--positional", "--activation", "--max-positions");
        }
        if (!transformer) {
            Options.onlyFor(spec, TRANSFORMER, "--decoder-layers", "--norm-first");
        }
        if (transformer || gpt) {
            Options.onlyFor(spec, SEQ2SEQ, "--cell", "--attention", "--bidirectional", "--teacher-forcing", "--max-length");
            Options.onlyFor(spec, RECURRENT, "--hidden", "--embed");
        }
        if (gpt) {
            Options.onlyFor(spec, RNN_LM, "--tie");
        }
        if (seq2seq || transformer) {
            // a translation task picks each step's batch from the step alone: micro-batches would repeat it
            Options.onlyFor(spec, LM, "--tokenizer", "--tie", "--seq", "--eval-batches", "--init-from", "--grad-accum");
        } else {
            Options.onlyFor(spec, SEQ2SEQ, "--cell", "--attention", "--bidirectional", "--teacher-forcing", "--max-length");
            Options.onlyFor(spec, TRANSLATION, "--label-smoothing");
            if (!lm.tokenizer.equals("word")) {
                Options.onlyFor(spec, "word vocabularies (--tokenizer word, or seq2seq)", "--min-freq");
            }
        }
    }

    /** Parameters, gradients, optimizer state and a step's activations against the heap, before anything is allocated. */
    private static void requireFits(ModelConfig mc, TrainConfig cfg, int vocab) {
        mc.footprint(cfg.batch(), cfg.seq()).requireFits(cfg.copiesPerParameter(), cfg.copiesPerParameterWhat(), true,
                Footprint.freeHeap(), "the model's sizes (" + mc.sizeFields() + "), --batch or --seq"
                        + (vocab > 1 ? "; the vocabulary has " + vocab + " tokens" : ""));
    }

    private int resume(PrintWriter err) {
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!RESUME_FLAGS.contains(o.longestName())) {
                throw new UserException(o.longestName() + " cannot be given with --resume: the run keeps the settings of its checkpoint; "
                        + (o.longestName().equals("--out") ? "copy the run directory first to continue it elsewhere"
                        : "only --steps may grow, and --data may name the same data at another path"));
            }
        }
        Path dir = resume;
        if (!Files.isDirectory(dir)) {
            throw new UserException("--resume " + dir + ": no such run directory; give the --out of an earlier 'seqlab train' run");
        }
        RunLock.requireFree(dir);
        if (!Files.isDirectory(dir.resolve(Checkpoint.DIR))) {
            throw new UserException(dir + " has no checkpoints/ directory; resume takes the --out directory of an earlier 'seqlab train' run");
        }
        try (RunLock lock = RunLock.acquire(dir)) {                    // before the checkpoint is read: no run moves it on meanwhile
            return resume(err, dir, lock);
        }
    }

    private int resume(PrintWriter err, Path dir, RunLock lock) {
        Checkpoint.Found found = Checkpoint.latest(dir);
        for (String s : found.skipped()) {
            warnings.add("seqlab: skipped incomplete checkpoint " + s);
        }
        Trainer.Saved saved = Trainer.readCheckpoint(found);
        TrainConfig saveCfg = TrainConfig.fromJson(saved.train());
        if (Options.given(spec, "--steps") && steps < saved.step()) {
            throw new UserException("--steps " + steps + " is below the checkpoint's step " + saved.step() + " in " + found.dir()
                    + "; a resumed run can only grow: give --steps " + saved.step() + " or more");
        }
        TrainConfig cfg = saveCfg.withSteps(Options.given(spec, "--steps") ? steps : saveCfg.steps());
        String recorded = String.valueOf(saved.data().get("source"));
        String source = data != null ? data : recorded;
        String where = data != null ? "--data" : "the run's data " + recorded + " (recorded in " + found.dir().resolve("trainer.json")
                + "; give --data if it moved)";
        Runnable announce = () -> {                                // once the data is read and the run can go on
            describeExtension(err, saveCfg, cfg, saved.step());
            err.printf(Locale.ROOT, "resuming %s from step %d to %d%n", dir, saved.step(), cfg.steps());
            err.println("optimizer: " + cfg.describe());
        };
        if (ModelConfig.fromJson(saved.model()).capability() == Capability.TRANSLATES) {
            Trainer t = Seq2SeqTraining.resume(saved, cfg, recorded(() -> TranslationData.read(source), where), dir,
                    new Progress(err, Options.live()));
            return train(err, t, lock, announce);
        }
        ModelConfig mc = ModelConfig.fromJson(saved.model());
        requireFits(mc, cfg, 0);
        DataSource ds = recorded(() -> DataSource.read(source), where);
        if (!ds.describe().get("sha256").equals(saved.data().get("sha256"))) {
            throw new UserException("--resume " + dir + ": the data " + ds.spec() + " differs from the run's data (SHA-256 changed); "
                    + "resume with the same file");
        }
        Tokenizer tok = ModelDirectory.readTokenizer(dir);
        if (tok == null) {
            throw new UserException(dir + " has no tokenizer.json; it is not a complete run directory");
        }
        LmDataset dataset = LmDataset.split(tok.encode(ds.text()));
        seqlab.model.LanguageModel m = (seqlab.model.LanguageModel) mc.build(new Rng(cfg.seed()));
        Trainer t = Trainer.resume(saved, new seqlab.train.LmTask(m, tok, dataset, cfg, recorded), cfg, dir, new Progress(err, Options.live()));
        return train(err, t, lock, announce);
    }

    /** Reads a resumed run's data; an error about data the run recorded says where it was recorded ({@code where}). */
    static <T> T recorded(java.util.function.Supplier<T> read, String where) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new UserException(where.startsWith("--data") ? e.getMessage() : e.getMessage() + "; " + where);
        }
    }

    /** A longer run stretches the cosine schedule: say how the learning rate moves at the step the run continues from. */
    static void describeExtension(PrintWriter err, TrainConfig before, TrainConfig after, long step) {
        if (after.steps() == before.steps() || !after.schedule().equals("cosine")) {
            return;
        }
        float was = before.lrSchedule().at(step);
        float now = after.lrSchedule().at(step);
        err.printf(Locale.ROOT, "seqlab: the cosine schedule now ends at step %d instead of %d: the learning rate at step %d is %.3g "
                + "(it was %.3g), then decays to %.3g%n", after.steps(), before.steps(), step, now, was, after.lr() / 10);
    }

    /** A new run: takes the directory's lock, checks again that no run arrived meanwhile, clears an overwritten run (--force), trains. */
    private int startTraining(PrintWriter err, Trainer t, Runnable header) {
        try (RunLock lock = RunLock.acquire(out)) {
            requireNoRun();
            clearForce();
            return train(err, t, lock, header);
        }
    }

    /** With the lock held and nothing left to refuse: says what was found and what runs, trains, and says where the model is. */
    private int train(PrintWriter err, Trainer t, RunLock lock, Runnable header) {
        header.run();
        warnings.forEach(err::println);
        RunDirectory.sayStaleLock(lock, err);
        threads.apply(err);
        long t0 = System.nanoTime();
        double val = t.run();
        String best = !t.config().keepBest() ? "" : BestModel.read(lock.dir()).map(k -> String.format(Locale.ROOT,
                ", the best (step %d, val loss %.4f) in %s", k.step(), k.valLoss(), lock.dir().resolve(BestModel.DIR))).orElse("");
        err.printf(Locale.ROOT, "done: step %d, val loss %.4f (%.3f bits/token), %.1f s; model in %s%s, log in %s%n", t.step(), val,
                val / Math.log(2), (System.nanoTime() - t0) / 1e9, lock.dir(), best, lock.dir().resolve("log.csv"));
        return 0;
    }
}
