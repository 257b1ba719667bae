package seqlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import seqlab.tensor.CellType;
import seqlab.tensor.CrossEntropy;
import seqlab.tensor.MeanSquaredError;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.train.AdamW;
import seqlab.train.GradClip;
import seqlab.tensor.ShapeOps;

/**
 * Long-range memory on the two classic synthetic tasks, at growing sequence lengths T, for the
 * RNN, the LSTM and the GRU of the same hidden size:
 * <ul>
 *   <li>copy memory (Hochreiter and Schmidhuber 1997; Arjovsky et al. 2016): 10 symbols of 8 kinds,
 *       T−1 blanks, a delimiter, 10 blanks; the model must output blanks, then the 10 symbols.
 *       Cross-entropy over all T + 20 positions; a memoryless model that outputs blanks and then
 *       guesses scores 10·ln 8 / (T + 20);
 *   <li>adding (Hochreiter and Schmidhuber 1997; Le et al. 2015): T values in [0, 1), two of them
 *       marked (one in each half); the model must output their sum. MSE; always answering 1
 *       scores 1/6 ≈ 0.167.
 * </ul>
 */
public final class LongMemory implements Experiment {

    static final int SYMBOLS = 8;
    static final int BLANK = 8;
    static final int DELIMITER = 9;
    static final int REMEMBER = 10;
    static final CellType[] CELLS = {CellType.RNN_TANH, CellType.LSTM, CellType.GRU};

    @Override
    public String name() {
        return "long-memory";
    }

    @Override
    public String description() {
        return "copy-memory and adding problems at T = 25 … 400: final loss of RNN, LSTM, GRU against the memoryless baseline";
    }

    record Size(int[] lengths, int hidden, int embed, int batch, int steps, float lr) {}

    static Size size(boolean quick) {
        return quick ? new Size(new int[] {25, 50}, 32, 16, 32, 150, 3e-3f) : new Size(new int[] {25, 50, 100, 200, 400}, 128, 16, 32, 1500, 1e-3f);
    }

    static double copyBaseline(int t) {
        return REMEMBER * Math.log(SYMBOLS) / (t + 2 * REMEMBER);
    }

    static final double ADDING_BASELINE = 1.0 / 6;

    /** A copy-memory batch: inputs and targets (B, T + 20), row-major. */
    static int[][] copyBatch(int b, int t, Rng rng) {
        int len = t + 2 * REMEMBER;
        int[] x = new int[b * len];
        int[] y = new int[b * len];
        java.util.Arrays.fill(x, BLANK);
        java.util.Arrays.fill(y, BLANK);
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < REMEMBER; i++) {
                int s = rng.nextInt(SYMBOLS);
                x[r * len + i] = s;
                y[r * len + t + REMEMBER + i] = s;
            }
            x[r * len + t + REMEMBER - 1] = DELIMITER;
        }
        return new int[][] {x, y};
    }

    /** An adding batch: features (B, T, 2) = (value, marker) and targets (B). */
    record Adding(float[] x, float[] y) {}

    static Adding addingBatch(int b, int t, Rng rng) {
        float[] x = new float[b * t * 2];
        float[] y = new float[b];
        for (int r = 0; r < b; r++) {
            int i = rng.nextInt(t / 2);
            int j = t / 2 + rng.nextInt(t - t / 2);
            for (int k = 0; k < t; k++) {
                x[(r * t + k) * 2] = rng.nextFloat();
            }
            x[(r * t + i) * 2 + 1] = 1f;
            x[(r * t + j) * 2 + 1] = 1f;
            y[r] = x[(r * t + i) * 2] + x[(r * t + j) * 2];
        }
        return new Adding(x, y);
    }

    static final List<String> COLUMNS = List.of("task", "cell", "T", "final_loss", "baseline");

    @Override
    public LabResult run(boolean quick, Consumer<String> log) {
        Size z = size(quick);
        int n = z.lengths().length;
        List<java.util.function.Supplier<Double>> jobs = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {                                              // longest T first
            for (CellType cell : CELLS) {
                int t = z.lengths()[i];
                jobs.add(() -> log(log, cell, t, "copy loss", trainCopy(cell, t, z), copyBaseline(t)));
                jobs.add(() -> log(log, cell, t, "adding MSE", trainAdding(cell, t, z), ADDING_BASELINE));
            }
        }
        List<Double> done = Jobs.run(jobs);
        double[][] copy = new double[CELLS.length][n];
        double[][] adding = new double[CELLS.length][n];
        for (int i = n - 1, j = 0; i >= 0; i--) {
            for (int ci = 0; ci < CELLS.length; ci++) {
                copy[ci][i] = done.get(j++);
                adding[ci][i] = done.get(j++);
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        for (int ci = 0; ci < CELLS.length; ci++) {
            for (int i = 0; i < n; i++) {
                int t = z.lengths()[i];
                rows.add(List.of("copy", CELLS[ci].id(), t, RnnVsLstmVsGru.round(copy[ci][i]), RnnVsLstmVsGru.round(copyBaseline(t))));
                rows.add(List.of("adding", CELLS[ci].id(), t, RnnVsLstmVsGru.round(adding[ci][i]), RnnVsLstmVsGru.round(ADDING_BASELINE)));
            }
        }
        return result(quick, LabData.of(COLUMNS, rows));
    }

    @Override
    public Optional<LabResult> fromData(boolean quick, LabData data) {
        return Optional.of(result(quick, data.expect(name(), COLUMNS)));
    }

    /** Findings and figures from the data table: one row per (task, cell, T) with its final loss. */
    private LabResult result(boolean quick, LabData data) {
        Size z = size(quick);
        int n = z.lengths().length;
        double[] ts = new double[n];
        double[] copyBase = new double[n];
        double[] addBase = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = z.lengths()[i];
            copyBase[i] = copyBaseline(z.lengths()[i]);
            addBase[i] = ADDING_BASELINE;
        }
        double[][] copy = losses(data, "copy", z, quick);
        double[][] adding = losses(data, "adding", z, quick);
        List<Series> copySeries = new ArrayList<>();
        List<Series> addSeries = new ArrayList<>();
        for (int ci = 0; ci < CELLS.length; ci++) {
            copySeries.add(new Series(RnnVsLstmVsGru.label(CELLS[ci]), ts, copy[ci]));
            addSeries.add(new Series(RnnVsLstmVsGru.label(CELLS[ci]), ts, adding[ci]));
        }
        copySeries.add(new Series("memoryless baseline", ts, copyBase));
        addSeries.add(new Series("baseline (always 1)", ts, addBase));
        String setup = String.format(Locale.ROOT, "hidden %d for every cell, %d steps of batch %d per (task, cell, T), Adam lr %s, clip 1; "
                + "final loss on 10 fresh batches; T = %s", z.hidden(), z.steps(), z.batch(), z.lr(), Finding.values(z.lengths()));
        List<Finding> findings = List.of(
                finding("copy memory", copy, copyBase, z, setup),
                finding("adding problem", adding, addBase, z, setup));
        return new LabResult(name(), "Long-range memory: copy and adding problems", findings, COLUMNS, data.cells(),
                List.of(new Figure.Lines("copy_loss_by_length", "Copy memory: final loss by sequence length", "T (blank steps)",
                                "cross-entropy (nats/position)", true, true, copySeries),
                        new Figure.Lines("adding_mse_by_length", "Adding problem: final MSE by sequence length", "T", "MSE", true, true,
                                addSeries)));
    }

    /** The final loss of {@code task} for each cell (rows) at each of the size's T (columns), from the data table. */
    private static double[][] losses(LabData data, String task, Size z, boolean quick) {
        double[][] loss = new double[CELLS.length][z.lengths().length];
        boolean[][] seen = new boolean[CELLS.length][z.lengths().length];
        for (int j = 0; j < data.rows().size(); j++) {
            if (!data.text(j, "task").equals(task)) {
                continue;
            }
            int ci = 0;
            while (ci < CELLS.length && !CELLS[ci].id().equals(data.text(j, "cell"))) {
                ci++;
            }
            int t = (int) data.number(j, "T");
            int i = 0;
            while (i < z.lengths().length && z.lengths()[i] != t) {
                i++;
            }
            if (ci == CELLS.length || i == z.lengths().length) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s row %d: %s %s at T = %d is not part of the %s size "
                        + "(cells %s; T = %s); %s", data.where(), j + 1, task, data.text(j, "cell"), t, LabData.size(quick),
                        String.join(", ", java.util.Arrays.stream(CELLS).map(CellType::id).toList()), Finding.values(z.lengths()),
                        LabData.otherSize(quick)));
            }
            loss[ci][i] = data.number(j, "final_loss");
            seen[ci][i] = true;
        }
        for (int ci = 0; ci < CELLS.length; ci++) {
            for (int i = 0; i < z.lengths().length; i++) {
                if (!seen[ci][i]) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "%s has no %s loss for %s at T = %d; a run writes one "
                            + "row per (task, cell, T)", data.where(), task, CELLS[ci].id(), z.lengths()[i]));
                }
            }
        }
        return loss;
    }

    private static double log(Consumer<String> log, CellType cell, int t, String what, double loss, double baseline) {
        log.accept(String.format(Locale.ROOT, "%s T=%d: %s %.4f (baseline %.4f)", cell.id(), t, what, loss, baseline));
        return loss;
    }

    /** A loss below this share of the baseline solves the task at that T. */
    static final double SOLVED = 0.5;
    /** A loss below this share of the baseline beats it: the cell has learnt some of the task. */
    static final double BEATEN = 0.9;

    /** For each cell: the T at which it solves the task and those at which it beats the baseline. */
    private static Finding finding(String task, double[][] loss, double[] base, Size z, String setup) {
        StringBuilder measured = new StringBuilder();
        int[] solved = new int[CELLS.length];
        int[] beaten = new int[CELLS.length];
        for (int ci = 0; ci < CELLS.length; ci++) {
            List<Integer> solves = under(loss[ci], base, z.lengths(), SOLVED);
            List<Integer> beats = under(loss[ci], base, z.lengths(), BEATEN);
            solved[ci] = max(solves);
            beaten[ci] = max(beats);
            measured.append(String.format(Locale.ROOT, "%s%s: solves (below half the baseline) %s, beats it by 10%% %s",
                    ci == 0 ? "" : "; ", RnnVsLstmVsGru.label(CELLS[ci]), at(solves), at(beats)));
        }
        return new Finding("On the " + task + ", gated cells (LSTM, GRU) bridge longer time lags than the vanilla RNN", setup,
                measured.toString(), verdict(solved, beaten, z.lengths()[z.lengths().length - 1]));
    }

    /** The {@code lengths} at which {@code loss < share · baseline}, in order. */
    static List<Integer> under(double[] loss, double[] base, int[] lengths, double share) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            if (loss[i] < share * base[i]) {
                out.add(lengths[i]);
            }
        }
        return out;
    }

    /** The longest of {@code lengths} at which {@code loss < share · baseline}, or 0 if none. */
    static int longest(double[] loss, double[] base, int[] lengths, double share) {
        return max(under(loss, base, lengths, share));
    }

    private static int max(List<Integer> ts) {
        return ts.stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** "at T = 25, 50" or "at no T". */
    static String at(List<Integer> ts) {
        return ts.isEmpty() ? "at no T" : "at T = " + String.join(", ", ts.stream().map(String::valueOf).toList());
    }

    /**
     * The verdict from each cell's longest solved T and longest T beating the baseline (index 0 is
     * the RNN, 1 and 2 the gated cells): confirmed when a gated cell solves a longer T than the RNN;
     * partly when it only beats the baseline at a longer T.
     */
    static String verdict(int[] solved, int[] beaten, int longestT) {
        if (solved[0] == longestT && solved[1] == longestT && solved[2] == longestT) {
            return "not separated: every cell solves even the longest T at this size";
        }
        if (Math.max(solved[1], solved[2]) > solved[0]) {
            return "confirmed: a gated cell solves longer spans than the RNN";
        }
        if (Math.max(beaten[1], beaten[2]) > beaten[0]) {
            return "partly: a gated cell beats the baseline at longer spans than the RNN, but no cell solves them";
        }
        return "not confirmed at this size";
    }

    private static double trainCopy(CellType cell, int t, Size z) {
        RecurrentProbe m = new RecurrentProbe(cell, REMEMBER, z.embed(), z.hidden(), REMEMBER, new Rng(1));
        AdamW opt = new AdamW(m.parameters(), 0.9, 0.999, 1e-8, 0f, false, false);
        Rng data = new Rng(2);
        int len = t + 2 * REMEMBER;
        for (int s = 0; s < z.steps(); s++) {
            int[][] b = copyBatch(z.batch(), t, data);
            opt.zeroGrad();
            Tensor out = m.everyStep(m.inputs(b[0], null, z.batch(), len));                 // (B, T+20, 10)
            Tensor loss = CrossEntropy.mean(ShapeOps.reshape(out, z.batch() * len, REMEMBER), b[1], -100);
            loss.backward();
            GradClip.clip(m.parameters(), 1f);
            opt.step(z.lr());
        }
        return finalLoss(m, eval -> {
            int[][] b = copyBatch(z.batch(), t, eval);
            Tensor out = m.everyStep(m.inputs(b[0], null, z.batch(), len));
            return CrossEntropy.mean(ShapeOps.reshape(out, z.batch() * len, REMEMBER), b[1], -100).item();
        });
    }

    private static double trainAdding(CellType cell, int t, Size z) {
        RecurrentProbe m = new RecurrentProbe(cell, 0, 2, z.hidden(), 1, new Rng(1));
        AdamW opt = new AdamW(m.parameters(), 0.9, 0.999, 1e-8, 0f, false, false);
        Rng data = new Rng(2);
        for (int s = 0; s < z.steps(); s++) {
            Adding b = addingBatch(z.batch(), t, data);
            opt.zeroGrad();
            Tensor loss = MeanSquaredError.mean(m.lastStep(m.inputs(null, b.x(), z.batch(), t)), b.y());
            loss.backward();
            GradClip.clip(m.parameters(), 1f);
            opt.step(z.lr());
        }
        return finalLoss(m, eval -> {
            Adding b = addingBatch(z.batch(), t, eval);
            return MeanSquaredError.mean(m.lastStep(m.inputs(null, b.x(), z.batch(), t)), b.y()).item();
        });
    }

    /** The mean loss of a trained model over 10 fresh batches (drawn from a fixed seed), in evaluation mode. */
    private static double finalLoss(RecurrentProbe m, java.util.function.ToDoubleFunction<Rng> batchLoss) {
        return m.inference(() -> {
            Rng eval = new Rng(3);
            double sum = 0;
            for (int k = 0; k < 10; k++) {
                sum += batchLoss.applyAsDouble(eval);
            }
            return sum / 10;
        });
    }
}
