package seqlab.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import seqlab.data.BuiltinCorpus;
import seqlab.data.LmDataset;
import seqlab.model.RnnLanguageModel;
import seqlab.model.RnnLmConfig;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.text.CharTokenizer;
import seqlab.text.Text;
import seqlab.train.Evaluation;
import seqlab.train.LmTask;
import seqlab.train.TrainConfig;
import seqlab.train.Trainer;

/**
 * The vanilla RNN, the LSTM and the GRU as character language models at equal parameter count:
 * the hidden sizes of the GRU and the RNN are chosen so that each model has as many parameters as
 * the LSTM. Same data, steps, batches, optimizer and seed for all; validation loss against steps
 * and against training time (the CPU time of each run's thread, so that runs side by side, or one
 * alone after the others, compare fairly).
 */
public final class RnnVsLstmVsGru implements Experiment {

    static final Path SHAKESPEARE = Path.of("..", "shared", "data", "tinyshakespeare", "input.txt");

    @Override
    public String name() {
        return "rnn-vs-lstm-vs-gru";
    }

    @Override
    public String description() {
        return "RNN, LSTM and GRU language models at equal parameter count: validation loss against steps and time";
    }

    /** The sizes of one run of the experiment. */
    record Size(String data, int layers, int lstmHidden, int embed, int seq, int batch, int steps, int evalEvery, float lr) {}

    static Size size(boolean quick) {
        return quick ? new Size("builtin:sentences", 1, 64, 32, 64, 16, 120, 20, 3e-3f)
                : new Size(SHAKESPEARE.toString(), 2, 256, 64, 128, 32, 2500, 125, 3e-3f);
    }

    @Override
    public LabResult run(boolean quick, Consumer<String> log) {
        Size z = size(quick);
        String text = corpus(z.data());
        CharTokenizer tok = CharTokenizer.fit(text);
        LmDataset data = LmDataset.split(tok.encode(text));
        int v = tok.vocabSize();
        long target = RnnLanguageModel.parameterCount(new RnnLmConfig(CellType.LSTM, v, z.embed(), z.lstmHidden(), z.layers(), 0f, false));
        List<Series> bySteps = new ArrayList<>();
        List<Series> byTime = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        Map<CellType, double[]> finals = new java.util.EnumMap<>(CellType.class);    // {val loss, seconds, params, hidden}
        List<CellType> cells = List.of(CellType.RNN_TANH, CellType.LSTM, CellType.GRU);
        List<java.util.function.Supplier<Run>> jobs = new ArrayList<>();
        for (CellType cell : cells) {
            jobs.add(() -> {
                int h = hiddenFor(cell, v, z.embed(), z.layers(), target);
                RnnLmConfig mc = new RnnLmConfig(cell, v, z.embed(), h, z.layers(), 0f, false);
                RnnLanguageModel model = new RnnLanguageModel(mc, new Rng(1));
                log.accept(String.format(Locale.ROOT, "%s: hidden %d, %,d parameters, %d steps", cell.id(), h, model.parameterCount(), z.steps()));
                TrainConfig cfg = new TrainConfig(z.steps(), z.batch(), z.seq(), "adamw", z.lr(), "cosine", z.steps() / 20, 0.01f, 0f, 1f,
                        z.evalEvery(), quick ? 5 : 20, 1);
                Curve c = new Curve(cell.id(), log);
                Scratch.use(dir -> Trainer.start(new LmTask(model, tok, data, cfg, z.data()), Map.of("source", z.data()), cfg, dir, c).run());
                double exact = Evaluation.full(model, data.val(), z.seq()).mean();
                log.accept(String.format(Locale.ROOT, "%s: validation loss %.4f (exact) after %.0f s", cell.id(), exact, c.last(1)));
                return new Run(h, model.parameterCount(), c, exact);
            });
        }
        List<Run> runs = Jobs.run(jobs);
        for (int k = 0; k < cells.size(); k++) {
            CellType cell = cells.get(k);
            Run r = runs.get(k);
            bySteps.add(new Series(label(cell), r.curve().column(0), r.curve().column(2)));
            byTime.add(new Series(label(cell), r.curve().column(1), r.curve().column(2)));
            for (double[] p : r.curve().points) {
                rows.add(List.of(cell.id(), r.hidden(), r.parameters(), (long) p[0], round(p[1]), round(p[2])));
            }
            finals.put(cell, new double[] {r.exactValLoss(), r.curve().last(1), r.parameters(), r.hidden()});
        }
        double rnn = finals.get(CellType.RNN_TANH)[0];
        double lstm = finals.get(CellType.LSTM)[0];
        double gru = finals.get(CellType.GRU)[0];
        String setup = String.format(Locale.ROOT, "%s, char-level; %d layer(s); hidden RNN %d / LSTM %d / GRU %d (%,d / %,d / %,d parameters); "
                        + "%d steps of %d×%d, AdamW lr %s, same seed; runs spread over %d thread(s), one core each; training time is the CPU time "
                        + "of each run's thread, evaluations left out", z.data(), z.layers(), (int) finals.get(CellType.RNN_TANH)[3],
                (int) finals.get(CellType.LSTM)[3], (int) finals.get(CellType.GRU)[3], (long) finals.get(CellType.RNN_TANH)[2],
                (long) finals.get(CellType.LSTM)[2], (long) finals.get(CellType.GRU)[2], z.steps(), z.batch(), z.seq(), z.lr(),
                Math.min(cells.size(), seqlab.kernel.Parallel.threads()));
        List<Finding> findings = List.of(
                new Finding("Gated cells (LSTM, GRU) model text better than the vanilla RNN at the same parameter count", setup,
                        String.format(Locale.ROOT, "exact validation loss RNN %.4f, LSTM %.4f, GRU %.4f nats/char", rnn, lstm, gru),
                        Math.max(lstm, gru) < rnn ? "confirmed: both gated cells end lower"
                                : Math.min(lstm, gru) < rnn ? "partly: only one gated cell ends lower" : "not confirmed at this size"),
                new Finding("The GRU matches the LSTM with fewer gates", setup,
                        String.format(Locale.ROOT, "GRU − LSTM = %+.4f nats/char; training CPU time LSTM %.0f s, GRU %.0f s, RNN %.0f s", gru - lstm,
                                finals.get(CellType.LSTM)[1], finals.get(CellType.GRU)[1], finals.get(CellType.RNN_TANH)[1]),
                        Math.abs(gru - lstm) <= 0.03 ? "confirmed: within 0.03 nats/char" : gru < lstm ? "GRU better by more than 0.03"
                                : "not confirmed: LSTM better by more than 0.03"));
        return new LabResult(name(), "RNN vs LSTM vs GRU at equal parameter count", findings,
                List.of("cell", "hidden", "parameters", "step", "train_seconds", "val_loss"), rows,
                List.of(new Figure.Lines("val_loss_by_step", "Validation loss by step (equal parameter count)", "step", "val loss (nats/char)",
                                false, false, bySteps),
                        Curve.lossByTime(byTime)));
    }

    /** The text of a size's data: "builtin:sentences" (400,000 characters, seeded) or a file's. */
    static String corpus(String data) {
        return data.startsWith("builtin:") ? BuiltinCorpus.generate("sentences", 400_000, 1234) : Text.readUtf8(Path.of(data));
    }

    /** One cell's run: its hidden size, parameter count, validation curve and exact final validation loss. */
    private record Run(int hidden, long parameters, Curve curve, double exactValLoss) {}

    static String label(CellType cell) {
        return switch (cell) {
            case RNN_TANH -> "RNN (tanh)";
            case RNN_RELU -> "RNN (relu)";
            case LSTM -> "LSTM";
            case GRU -> "GRU";
        };
    }

    /** The hidden size whose parameter count is closest to {@code target}. */
    static int hiddenFor(CellType cell, int vocab, int embed, int layers, long target) {
        int best = 1;
        long bestDiff = Long.MAX_VALUE;
        for (int h = 1; h <= 4096; h++) {
            long diff = Math.abs(RnnLanguageModel.parameterCount(new RnnLmConfig(cell, vocab, embed, h, layers, 0f, false)) - target);
            if (diff < bestDiff) {
                best = h;
                bestDiff = diff;
            }
        }
        return best;
    }

    static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}
