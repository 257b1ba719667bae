package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.data.LmDataset;
import seqlab.model.RnnLanguageModel;
import seqlab.model.RnnLmConfig;
import seqlab.model.Seq2SeqConfig;
import seqlab.data.TranslationData;
import seqlab.tensor.Rng;
import seqlab.text.CharTokenizer;
import seqlab.text.Tokenizer;
import seqlab.text.WordTokenizer;
import seqlab.train.Checkpoint;
import seqlab.train.TrainConfig;
import seqlab.train.Trainer;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a recurrent language model (RNN, LSTM, GRU) on a text file or a built-in corpus, "
                + "or (--arch seq2seq) an encoder-decoder translation model on a parallel corpus.")
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--arch", description = "rnn (tanh), rnn_relu, lstm, gru (language models) or seq2seq (default: ${DEFAULT-VALUE})", defaultValue = "lstm")
    String arch;

    @Option(names = "--data", description = "a UTF-8 text file, or builtin:sentences / builtin:arithmetic; for seq2seq: "
            + TranslationData.SPECS + " (default: builtin:sentences, for seq2seq builtin:dates)")
    String data;

    @Option(names = "--cell", defaultValue = "gru", description = "seq2seq: rnn, lstm or gru (default: ${DEFAULT-VALUE})")
    String cell;

    @Option(names = "--attention", defaultValue = "bahdanau", description = "seq2seq: " + Seq2SeqConfig.Attention.IDS + " (default: ${DEFAULT-VALUE})")
    String attention;

    @Option(names = "--bidirectional", description = "seq2seq: the encoder reads both ways")
    boolean bidirectional;

    @Option(names = "--teacher-forcing", defaultValue = "0.5", description = "seq2seq: probability that a decoder step reads the true previous token, in [0, 1] (default: ${DEFAULT-VALUE})")
    double teacherForcing;

    @Option(names = "--max-length", defaultValue = "100", description = "seq2seq: longest source (and output) in tokens (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--tokenizer", description = "char or word (default: ${DEFAULT-VALUE})", defaultValue = "char")
    String tokenizer;

    @Option(names = "--min-freq", description = "word tokenizer: keep words seen at least this often (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int minFreq;

    @Option(names = "--out", description = "output directory: the model, log.csv and checkpoints (default: ${DEFAULT-VALUE})", defaultValue = "runs/lm")
    Path out;

    @Option(names = "--force", description = "overwrite an existing run in --out")
    boolean force;

    @Option(names = "--resume", description = "continue the run in this directory from its newest checkpoint, up to --steps")
    Path resume;

    @Option(names = "--layers", defaultValue = "2", description = "recurrent layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--hidden", defaultValue = "256", description = "hidden size H (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--embed", defaultValue = "128", description = "embedding size E (default: ${DEFAULT-VALUE})")
    int embed;

    @Option(names = "--tie", description = "tie the decoder to the embedding (needs --hidden == --embed)")
    boolean tie;

    @Option(names = "--dropout", defaultValue = "0.0", description = "dropout on embeddings, between layers and before the decoder (default: ${DEFAULT-VALUE})")
    float dropout;

    @Option(names = "--seq", defaultValue = "128", description = "tokens per sequence, T (default: ${DEFAULT-VALUE})")
    int seq;

    @Option(names = "--batch", defaultValue = "32", description = "sequences per step, B (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "2000", description = "optimizer steps in all (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--lr", defaultValue = "2e-3", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--schedule", defaultValue = "cosine", description = "constant or cosine (warm-up, then decay to lr/10) (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--warmup", defaultValue = "100", description = "warm-up steps of the cosine schedule (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw, adam or sgd (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "weight decay on matrices (default: ${DEFAULT-VALUE})")
    float weightDecay;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    float momentum;

    @Option(names = "--clip", defaultValue = "1.0", description = "max global gradient norm, 0 = off (default: ${DEFAULT-VALUE})")
    float clip;

    @Option(names = "--eval-every", defaultValue = "200", description = "evaluate and checkpoint every N steps (default: ${DEFAULT-VALUE})")
    int evalEvery;

    @Option(names = "--eval-batches", defaultValue = "20", description = "validation batches per evaluation (default: ${DEFAULT-VALUE})")
    int evalBatches;

    @Option(names = "--seed", defaultValue = "1337", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        return run(spec.commandLine().getErr(), resume != null);
    }

    int run(PrintWriter err, boolean resuming) {
        threads.apply();
        Path dir = resuming ? resume : out;
        if (resuming) {
            Checkpoint.Found found = Checkpoint.latest(dir);
            for (String s : found.skipped()) {
                err.println("seqlab: skipped incomplete checkpoint " + s);
            }
            Trainer.Saved saved = Trainer.readCheckpoint(found);
            TrainConfig saveCfg0 = TrainConfig.fromJson(saved.train());
            if (saved.model().string("architecture").equals(Seq2SeqConfig.ARCHITECTURE)) {
                for (String f : new String[] {"--cell", "--attention", "--bidirectional", "--teacher-forcing", "--max-length",
                        "--hidden", "--embed", "--layers", "--seq", "--batch", "--lr", "--optimizer", "--seed", "--dropout", "--schedule"}) {
                    if (Options.given(spec, f)) {
                        throw new UserException(f + " cannot change when resuming (the run keeps its settings; only --steps may grow)");
                    }
                }
                TrainConfig cfg = saveCfg0.withSteps(Options.given(spec, "--steps") ? steps : saveCfg0.steps());
                String source = data != null ? data : String.valueOf(saved.data().get("source"));
                return finish(err, Seq2SeqTraining.resume(saved, cfg, source, dir, err, new Progress(err, Options.live())), dir);
            }
            RnnLmConfig mc = RnnLmConfig.fromJson(saved.model());
            TrainConfig saveCfg = TrainConfig.fromJson(saved.train());
            rejectChangedModelFlags(mc);
            TrainConfig cfg = saveCfg.withSteps(Options.given(spec, "--steps") ? steps : saveCfg.steps());
            String source = String.valueOf(saved.data().get("source"));
            DataSource ds = DataSource.read(data != null ? data : source);
            if (!ds.describe().get("sha256").equals(saved.data().get("sha256"))) {
                throw new UserException("--resume " + dir + ": the data " + ds.spec() + " differs from the run's data (SHA-256 changed); resume with the same file");
            }
            Tokenizer tok = seqlab.model.ModelDirectory.readTokenizer(dir);
            if (tok == null) {
                throw new UserException(dir + " has no tokenizer.json; it is not a complete run directory");
            }
            LmDataset dataset = LmDataset.split(tok.encode(ds.text()));
            RnnLanguageModel model = new RnnLanguageModel(mc, new Rng(cfg.seed()));
            err.printf(Locale.ROOT, "resuming %s from step %d%n", dir, saved.step());
            Trainer t = Trainer.resume(saved, model, tok, dataset, cfg, dir, new Progress(err, Options.live()));
            return finish(err, t, dir);
        }
        if (!force && (Files.exists(dir.resolve("config.json")) || Files.exists(dir.resolve(Checkpoint.DIR)))) {
            throw new UserException("--out " + dir + " already holds a run; use --resume " + dir + " to continue it, --force to overwrite, or another --out");
        }
        if (force && Files.exists(dir.resolve(Checkpoint.DIR))) {
            seqlab.io.Directories.deleteTree(dir.resolve(Checkpoint.DIR));
        }
        TrainConfig cfg = new TrainConfig(steps, batch, seq, optimizer, lr, schedule, warmup, weightDecay, momentum, clip,
                evalEvery, evalBatches, seed);
        if (arch.equals("seq2seq")) {
            Seq2SeqConfig template;
            try {
                // vocabulary sizes are placeholders until the tokenizer is fitted
                template = new Seq2SeqConfig(Options.cell("--cell", cell), Seq2SeqConfig.Attention.fromId(attention), 5, 5, embed, hidden, layers,
                        bidirectional, dropout, maxLength);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage().startsWith("unknown attention") ? "--attention: " + e.getMessage() : e.getMessage());
            }
            if (!(teacherForcing >= 0 && teacherForcing <= 1)) {
                throw new UserException("--teacher-forcing must be in [0, 1], got " + teacherForcing);
            }
            TranslationData td = Seq2SeqTraining.read(data == null ? "builtin:dates" : data);
            return finish(err, Seq2SeqTraining.start(template, td, minFreq, cfg, teacherForcing, dir, err,
                    new Progress(err, Options.live())), dir);
        }
        DataSource ds = DataSource.read(data == null ? "builtin:sentences" : data);
        Tokenizer tok = switch (tokenizer) {
            case "char" -> CharTokenizer.fit(ds.text());
            case "word" -> WordTokenizer.fit(ds.text(), minFreq, Integer.MAX_VALUE, false);
            default -> throw new UserException("--tokenizer must be char or word, got " + tokenizer);
        };
        RnnLmConfig mc = new RnnLmConfig(Options.cell(arch), tok.vocabSize(), embed, hidden, layers, dropout, tie);
        LmDataset dataset = LmDataset.split(tok.encode(ds.text()));
        dataset.requireWindow(cfg.seq(), ds.spec());
        RnnLanguageModel model = new RnnLanguageModel(mc, new Rng(cfg.seed()));
        err.printf(Locale.ROOT, "%s: %,d %s tokens (vocabulary %d), train %,d / val %,d%n", ds.spec(),
                dataset.train().length + dataset.val().length, tok.type(), tok.vocabSize(), dataset.train().length, dataset.val().length);
        Trainer t = Trainer.start(model, tok, dataset, ds.describe(), cfg, dir, new Progress(err, Options.live()));
        return finish(err, t, dir);
    }

    private int finish(PrintWriter err, Trainer t, Path dir) {
        long t0 = System.nanoTime();
        double val = t.run();
        err.printf(Locale.ROOT, "done: step %d, val loss %.4f (%.3f bits/token), %.1f s; model in %s, log in %s%n", t.step(), val,
                val / Math.log(2), (System.nanoTime() - t0) / 1e9, dir, dir.resolve("log.csv"));
        return 0;
    }

    private void rejectChangedModelFlags(RnnLmConfig mc) {
        check("--arch", mc.cell() == (Options.given(spec, "--arch") ? Options.cell(arch) : mc.cell()), mc.cell().id());
        check("--hidden", !Options.given(spec, "--hidden") || hidden == mc.hiddenSize(), String.valueOf(mc.hiddenSize()));
        check("--embed", !Options.given(spec, "--embed") || embed == mc.embeddingSize(), String.valueOf(mc.embeddingSize()));
        check("--layers", !Options.given(spec, "--layers") || layers == mc.numLayers(), String.valueOf(mc.numLayers()));
        for (String f : new String[] {"--seq", "--batch", "--lr", "--optimizer", "--seed", "--tokenizer", "--dropout", "--schedule"}) {
            if (Options.given(spec, f)) {
                throw new UserException(f + " cannot change when resuming (the run keeps its settings; only --steps may grow)");
            }
        }
    }

    private static void check(String flag, boolean ok, String saved) {
        if (!ok) {
            throw new UserException(flag + " differs from the checkpoint's model (" + saved + "); drop the flag to resume, or start a new run");
        }
    }
}
