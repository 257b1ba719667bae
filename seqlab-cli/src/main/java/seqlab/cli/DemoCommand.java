package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.data.Pair;
import seqlab.data.TranslationData;
import seqlab.decode.SamplingConfig;
import seqlab.decode.Translator;
import seqlab.io.Directories;
import seqlab.model.ModelDirectory;
import seqlab.model.Seq2SeqConfig;
import seqlab.report.HeatMap;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.train.Checkpoint;
import seqlab.train.RunLock;
import seqlab.train.Seq2SeqEvaluation;
import seqlab.train.TrainConfig;
import seqlab.train.Trainer;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a date translator (human-written dates to ISO 8601) with Bahdanau attention for about a minute "
                + "on 2 cores, translate a few dates and draw one translation's attention. Needs no files.")
final class DemoCommand implements Callable<Integer> {

    static final String[] EXAMPLES = {"Saturday, 14th of February 2009", "7/4/1976", "3 Mar 2021", "the 1st of January, 2000",
            "December 31, 1999", "tue 9 jun 87"};

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/demo", description = "where the model and the heat map go (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--steps", defaultValue = "300", description = "training steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--force", description = "overwrite a run already in --out (such as an earlier demo's)")
    boolean force;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        threads.validate();
        PrintWriter err = spec.commandLine().getErr();
        RunDirectory.check("--out", out);
        if (steps < 1) {
            throw new UserException("--steps must be >= 1, got " + steps);
        }
        RunLock.requireFree(out);
        requireNoRun();
        OutputFile.check("--out", out.resolve(MAP), force);
        PrintWriter o = spec.commandLine().getOut();
        TranslationData data = TranslationData.read("builtin:dates");
        o.println("seqlab demo: a GRU encoder-decoder with Bahdanau attention learns to rewrite dates as ISO 8601, character by character");
        o.printf(Locale.ROOT, "  %,d generated training pairs, e.g. \"%s\" -> %s%n", data.train().size(), data.train().get(0).source(),
                data.train().get(0).target());
        o.flush();
        Seq2SeqConfig template = new Seq2SeqConfig(CellType.GRU, Seq2SeqConfig.Attention.BAHDANAU, 5, 5, 32, 128, 1, true, 0f, 64);
        TrainConfig cfg = new TrainConfig(steps, 64, 1, "adamw", 3e-3f, "cosine", TrainConfig.defaultWarmup(steps), 0.01f, 0f, 1f,
                Math.max(1, steps / 5), 1, 1337);
        long t0 = System.nanoTime();
        Trainer t = Seq2SeqTraining.start(Seq2SeqTraining.sized(template), data, 1, cfg, 1.0, 0f, out, err, new Progress(err, Options.live()));
        try (RunLock lock = RunLock.acquire(out)) {                           // held until the heat map is written
            requireNoRun();
            RunDirectory.sayStaleLock(lock, err);
            if (Files.isDirectory(out.resolve(Checkpoint.DIR))) {
                Directories.deleteTree(out.resolve(Checkpoint.DIR));                // --force: the earlier run's checkpoints
            }
            threads.apply(err);
            double val = t.run();
            report(data, val, (System.nanoTime() - t0) / 1e9, o);
        }
        return 0;
    }

    static final String MAP = "attention.svg";

    private void requireNoRun() {
        if (!force && RunDirectory.holdsRun(out)) {
            throw new UserException("--out " + out + " already holds a run; use --force to overwrite it (an earlier demo's too), "
                    + "or another --out");
        }
    }

    /** Accuracy on unseen dates, six translations, and the first one's attention as a heat map. */
    private void report(TranslationData data, double val, double secs, PrintWriter o) {
        ModelDirectoryView m = ModelDirectoryView.of(out);
        Seq2SeqEvaluation.Report r = Seq2SeqEvaluation.evaluate(m.model(), m.tokenizer(),
                data.test().stream().map(Pair::source).toList(), data.test().stream().map(Pair::target).toList(), 250, 10);
        o.printf(Locale.ROOT, "  after %d steps (%.0f s): validation loss %.4f nats/char (teacher-forced)%n", steps, secs, val);
        o.printf(Locale.ROOT, "  on %,d unseen dates: %.1f%% exactly right, %.1f%% of characters right (greedy decoding)%n",
                data.test().size(), 100 * r.accuracy().exactMatch(), 100 * r.accuracy().tokenAccuracy());
        o.println();
        Translator tr = new Translator(m.model());
        List<int[]> sources = new ArrayList<>();
        for (String e : EXAMPLES) {
            sources.add(m.tokenizer().encodeSource(e));
        }
        List<Translator.Translation> outs = tr.decode(sources, m.model().maxLength(), SamplingConfig.greedy(), new Rng(0));
        for (int i = 0; i < EXAMPLES.length; i++) {
            o.printf(Locale.ROOT, "    %-34s -> %s%n", EXAMPLES[i], m.tokenizer().join(m.tokenizer().decodeTarget(outs.get(i).tokens())));
        }
        Path map = out.resolve(MAP);
        List<String> src = new ArrayList<>(m.tokenizer().tokens(EXAMPLES[0]));
        src.add("<eos>");
        List<String> tgt = new ArrayList<>();
        for (int id : outs.get(0).tokens()) {
            tgt.add(m.tokenizer().target().words().get(id));
        }
        HeatMap.attention("Bahdanau attention: " + EXAMPLES[0], src, tgt, outs.get(0).attention()).write(map);
        o.println();
        o.println("  attention of the first translation drawn in " + map + " (rows: output characters, columns: input characters)");
        o.println("  model saved in " + out + "; try: ./seqlab translate --model " + out + " --text \"May 5, 1955\" --beam 3");
    }

    /** The trained model, read back from its directory as a user's later command would. */
    private record ModelDirectoryView(seqlab.model.TranslationModel model, seqlab.text.PairTokenizer tokenizer) {
        static ModelDirectoryView of(Path dir) {
            seqlab.model.ModelDirectory.Loaded.Translator l = seqlab.model.ModelDirectory.loadTranslator(dir, "demo");
            return new ModelDirectoryView(l.model(), l.tokenizer());
        }
    }
}
