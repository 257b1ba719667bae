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
 * RNN, the LSTM and the GRU of the same hidden size, and a causal Transformer ({@link TransformerProbe}) of the LSTM's
 * parameter count:
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
    /** A model of the comparison: a recurrent cell, or (cell null) the causal Transformer of the LSTM's parameter count. */
    record Kind(String id, String label, CellType cell) {}

    static final Kind TRANSFORMER = new Kind("transformer", "Transformer (causal)", null);
    static final Kind[] KINDS = {kind(CellType.RNN_TANH), kind(CellType.LSTM), kind(CellType.GRU), TRANSFORMER};
    /** The recurrent kinds: the first three. */
    static final int RECURRENT = 3;
    static final int LSTM_ROW = 1;
    static final int GRU_ROW = 2;
    static final int TRANSFORMER_ROW = 3;
    static final int TRANSFORMER_HEADS = 4;
    static final int TRANSFORMER_LAYERS = 2;

    private static Kind kind(CellType cell) {
        return new Kind(cell.id(), RnnVsLstmVsGru.label(cell), cell);
    }

    @Override
    public String name() {
        return "long-memory";
    }

    @Override
    public String description() {
        return "copy-memory and adding problems at T = 25 … 400: final loss of RNN, LSTM, GRU and a causal Transformer against the memoryless baseline";
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
            for (Kind cell : KINDS) {
                int t = z.lengths()[i];
                jobs.add(() -> log(log, cell, t, "copy loss", trainCopy(cell, t, z), copyBaseline(t)));
                jobs.add(() -> log(log, cell, t, "adding MSE", trainAdding(cell, t, z), ADDING_BASELINE));
            }
        }
        List<Double> done = Jobs.run(jobs);
        double[][] copy = new double[KINDS.length][n];
        double[][] adding = new double[KINDS.length][n];
        for (int i = n - 1, j = 0; i >= 0; i--) {
            for (int ci = 0; ci < KINDS.length; ci++) {
                copy[ci][i] = done.get(j++);
                adding[ci][i] = done.get(j++);
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        for (int ci = 0; ci < KINDS.length; ci++) {
            for (int i = 0; i < n; i++) {
                int t = z.lengths()[i];
                rows.add(List.of("copy", KINDS[ci].id(), t, RnnVsLstmVsGru.round(copy[ci][i]), RnnVsLstmVsGru.round(copyBaseline(t))));
                rows.add(List.of("adding", KINDS[ci].id(), t, RnnVsLstmVsGru.round(adding[ci][i]), RnnVsLstmVsGru.round(ADDING_BASELINE)));
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
        boolean transformer = java.util.stream.IntStream.range(0, data.rows().size())
                .anyMatch(j -> data.text(j, "cell").equals(TRANSFORMER.id()));          // runs before the Transformer joined have none
        int kinds = transformer ? KINDS.length : RECURRENT;
        double[][] copy = losses(data, "copy", z, quick, kinds);
        double[][] adding = losses(data, "adding", z, quick, kinds);
        List<Series> copySeries = new ArrayList<>();
        List<Series> addSeries = new ArrayList<>();
        for (int ci = 0; ci < kinds; ci++) {
            copySeries.add(new Series(KINDS[ci].label(), ts, copy[ci]));
            addSeries.add(new Series(KINDS[ci].label(), ts, adding[ci]));
        }
        copySeries.add(new Series("memoryless baseline", ts, copyBase));
        addSeries.add(new Series("baseline (always 1)", ts, addBase));
        String setup = !transformer ? String.format(Locale.ROOT, "hidden %d for every cell, %d steps of batch %d per (task, cell, T), "
                + "Adam lr %s, clip 1; final loss on 10 fresh batches; T = %s", z.hidden(), z.steps(), z.batch(), z.lr(), Finding.values(z.lengths()))
                : String.format(Locale.ROOT, "hidden %d for every cell; the causal Transformer: %d pre-LN layers, %d heads, sinusoidal "
                + "positions, the LSTM's parameter count (%,d parameters on the copy task, %,d on adding); %d steps of batch %d per (task, model, "
                + "T), Adam lr %s, clip 1; final loss on 10 fresh batches; T = %s", z.hidden(), TRANSFORMER_LAYERS, TRANSFORMER_HEADS,
                probe(TRANSFORMER, REMEMBER, z.embed(), z.hidden(), REMEMBER).parameterCount(), probe(TRANSFORMER, 0, 2, z.hidden(), 1).parameterCount(),
                z.steps(), z.batch(), z.lr(), Finding.values(z.lengths()));
        List<Finding> findings = new ArrayList<>(List.of(
                finding("copy memory", copy, copyBase, z, setup),
                finding("adding problem", adding, addBase, z, setup)));
        if (transformer) {
            findings.add(attentionFinding("copy memory", copy, copyBase, z, setup));
            findings.add(attentionFinding("adding problem", adding, addBase, z, setup));
        }
        return new LabResult(name(), "Long-range memory: copy and adding problems", findings, COLUMNS, data.cells(),
                List.of(new Figure.Lines("copy_loss_by_length", "Copy memory: final loss by sequence length", "T (blank steps)",
                                "cross-entropy (nats/position)", true, true, copySeries),
                        new Figure.Lines("adding_mse_by_length", "Adding problem: final MSE by sequence length", "T", "MSE", true, true,
                                addSeries)));
    }

    /** The final loss of {@code task} for each of the first {@code kinds} models (rows) at each of the size's T (columns), from the data table. */
    private static double[][] losses(LabData data, String task, Size z, boolean quick, int kinds) {
        double[][] loss = new double[KINDS.length][z.lengths().length];
        boolean[][] seen = new boolean[KINDS.length][z.lengths().length];
        for (int j = 0; j < data.rows().size(); j++) {
            if (!data.text(j, "task").equals(task)) {
                continue;
            }
            int ci = 0;
            while (ci < KINDS.length && !KINDS[ci].id().equals(data.text(j, "cell"))) {
                ci++;
            }
            int t = (int) data.number(j, "T");
            int i = 0;
            while (i < z.lengths().length && z.lengths()[i] != t) {
                i++;
            }
            if (ci == KINDS.length || i == z.lengths().length) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s row %d: %s %s at T = %d is not part of the %s size "
                        + "(cells %s; T = %s); %s", data.where(), j + 1, task, data.text(j, "cell"), t, LabData.size(quick),
                        String.join(", ", java.util.Arrays.stream(KINDS).map(Kind::id).toList()), Finding.values(z.lengths()),
                        LabData.otherSize(quick)));
            }
            loss[ci][i] = data.number(j, "final_loss");
            seen[ci][i] = true;
        }
        for (int ci = 0; ci < kinds; ci++) {
            for (int i = 0; i < z.lengths().length; i++) {
                if (!seen[ci][i]) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "%s has no %s loss for %s at T = %d; a run writes one "
                            + "row per (task, cell, T)", data.where(), task, KINDS[ci].id(), z.lengths()[i]));
                }
            }
        }
        return loss;
    }

    private static double log(Consumer<String> log, Kind cell, int t, String what, double loss, double baseline) {
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
        int[] solved = new int[RECURRENT];
        int[] beaten = new int[RECURRENT];
        for (int ci = 0; ci < RECURRENT; ci++) {
            List<Integer> solves = under(loss[ci], base, z.lengths(), SOLVED);
            List<Integer> beats = under(loss[ci], base, z.lengths(), BEATEN);
            solved[ci] = max(solves);
            beaten[ci] = max(beats);
            measured.append(String.format(Locale.ROOT, "%s%s: solves (below half the baseline) %s, beats it by 10%% %s",
                    ci == 0 ? "" : "; ", KINDS[ci].label(), at(solves), at(beats)));
        }
        return new Finding("On the " + task + ", gated cells (LSTM, GRU) bridge longer time lags than the vanilla RNN", setup,
                measured.toString(), verdict(solved, beaten, z.lengths()[z.lengths().length - 1]));
    }

    /**
     * The Transformer against the gated cells: direct attention reaches any earlier position in one
     * step, where a recurrent state must carry it through every step between.
     */
    private static Finding attentionFinding(String task, double[][] loss, double[] base, Size z, String setup) {
        int[] t = z.lengths();
        int transformer = longest(loss[TRANSFORMER_ROW], base, t, SOLVED);
        int gated = Math.max(longest(loss[LSTM_ROW], base, t, SOLVED), longest(loss[GRU_ROW], base, t, SOLVED));
        String measured = String.format(Locale.ROOT, "solves (below half the baseline): Transformer %s; LSTM %s; GRU %s",
                at(under(loss[TRANSFORMER_ROW], base, t, SOLVED)), at(under(loss[LSTM_ROW], base, t, SOLVED)),
                at(under(loss[GRU_ROW], base, t, SOLVED)));
        return new Finding("Attention connects distant positions directly: on the " + task + " a causal Transformer of the same size "
                + "bridges lags the gated cells cannot (the claim under test: an LSTM reaches about 200–500 steps)", setup, measured,
                attentionVerdict(transformer, gated, t[t.length - 1]));
    }

    /** From the longest T the Transformer solves and the longest a gated cell solves. */
    static String attentionVerdict(int transformer, int gated, int longestT) {
        if (transformer == longestT && gated == longestT) {
            return "not separated: the Transformer and a gated cell both solve the longest T";
        }
        if (transformer > gated) {
            return String.format(Locale.ROOT, "confirmed: the Transformer solves T = %d, %s", transformer,
                    gated == 0 ? "no gated cell solves any T" : "the gated cells at most T = " + gated);
        }
        if (transformer == gated) {
            return transformer == 0 ? "not confirmed at this size: neither solves any T" : "not separated: both stop at T = " + gated;
        }
        return String.format(Locale.ROOT, "not confirmed: a gated cell reaches further (T = %d against the Transformer's %s)", gated,
                transformer == 0 ? "none" : "T = " + transformer);
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

    /**
     * A recurrent probe of {@code hidden} units, or the causal Transformer ({@value #TRANSFORMER_LAYERS}
     * layers, {@value #TRANSFORMER_HEADS} heads) whose width gives it the LSTM probe's parameter count.
     */
    static Probe probe(Kind kind, int vocab, int inputSize, int hidden, int outputs) {
        if (kind.cell() != null) {
            return new RecurrentProbe(kind.cell(), vocab, inputSize, hidden, outputs, new Rng(1));
        }
        long lstm = new RecurrentProbe(CellType.LSTM, vocab, inputSize, hidden, outputs, new Rng(1)).parameterCount();
        int d = TransformerProbe.widthFor(lstm, vocab, inputSize, TRANSFORMER_HEADS, TRANSFORMER_LAYERS, outputs);
        return new TransformerProbe(vocab, inputSize, d, TRANSFORMER_HEADS, TRANSFORMER_LAYERS, outputs, new Rng(1));
    }

    private static double trainCopy(Kind kind, int t, Size z) {
        Probe m = probe(kind, REMEMBER, z.embed(), z.hidden(), REMEMBER);
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

    private static double trainAdding(Kind kind, int t, Size z) {
        Probe m = probe(kind, 0, 2, z.hidden(), 1);
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
    private static double finalLoss(Probe m, java.util.function.ToDoubleFunction<Rng> batchLoss) {
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
