package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.data.LmDataset;
import seqlab.decode.RnnGenerator;
import seqlab.decode.SamplingConfig;
import seqlab.model.RnnLanguageModel;
import seqlab.model.RnnLmConfig;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.text.CharTokenizer;
import seqlab.text.Text;
import seqlab.train.Evaluation;
import seqlab.train.TrainConfig;
import seqlab.train.Trainer;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a small character-level LSTM on a built-in generated corpus (under a minute on 2 cores), "
                + "then sample from it. Needs no files.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/demo", description = "where the model goes (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--steps", defaultValue = "600", description = "training steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        threads.apply();
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DataSource source = DataSource.read("builtin:sentences");
        String text = source.text();
        CharTokenizer tok = CharTokenizer.fit(text);
        LmDataset data = LmDataset.split(tok.encode(text));
        RnnLmConfig mc = new RnnLmConfig(CellType.LSTM, tok.vocabSize(), 64, 256, 1, 0f, false);
        TrainConfig cfg = new TrainConfig(steps, 32, 64, "adamw", 3e-3f, "cosine", 50, 0.01f, 0.9f, 1f,
                Math.max(1, steps / 4), 10, 1337);
        o.printf(Locale.ROOT, "seqlab demo: a character-level LSTM (1 layer, hidden 256) learns a generated corpus of %,d characters%n",
                text.length());
        o.println("  sample of the corpus: \"" + Text.escape(text.substring(0, 120)) + "…\"");
        o.flush();
        RnnLanguageModel model = new RnnLanguageModel(mc, new Rng(cfg.seed()));
        double before = Evaluation.estimate(model, data.val(), cfg.batch(), cfg.seq(), cfg.evalBatches(), 7);
        o.printf(Locale.ROOT, "  validation loss before training: %.3f nats/char (uniform guess: ln %d = %.3f)%n", before,
                tok.vocabSize(), Math.log(tok.vocabSize()));
        o.flush();
        if (java.nio.file.Files.isDirectory(out.resolve(seqlab.train.Checkpoint.DIR))) {
            seqlab.io.Directories.deleteTree(out.resolve(seqlab.train.Checkpoint.DIR));   // the demo always starts afresh
        }
        long t0 = System.nanoTime();
        Trainer t = Trainer.start(model, tok, data, source.describe(), cfg, out,
                new Progress(err, Options.live()));
        double after = t.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        o.printf(Locale.ROOT, "  after %d steps (%.0f s): validation loss %.3f nats/char (%.2f bits/char)%n", steps, secs, after,
                after / Math.log(2));
        o.println("  three samples (temperature 0.8), each from the prompt \"The \":");
        o.println();
        for (int i = 0; i < 3; i++) {
            int[] gen = RnnGenerator.generate(model, tok.encode("The "), 160, new SamplingConfig(0.8f, 0, 1f), new Rng(42 + i), null);
            ("The " + Text.forTerminal(tok.decode(gen))).strip().lines()
                    .forEach(line -> o.println(line.isBlank() ? "" : "    " + line));
            o.println();
        }
        o.println("  model saved in " + out + "; try: ./seqlab generate --model " + out + " --prompt \"A clever \"");
        return 0;
    }
}
