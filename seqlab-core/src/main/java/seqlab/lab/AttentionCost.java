package seqlab.lab;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import seqlab.kernel.AttentionMask;
import seqlab.model.Footprint;
import seqlab.nn.attention.MultiheadAttention;
import seqlab.nn.recurrent.Lstm;
import seqlab.nn.recurrent.RecurrentConfig;
import seqlab.tensor.LinearOps;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * "Self-attention is O(n²) in time and memory where an RNN is O(n)", tested as two claims: one
 * forward and backward pass of a causal self-attention layer ({@link MultiheadAttention}: d_model
 * 512, 8 heads, batch 1) and of an LSTM layer of the same width, timed against the sequence
 * length n, with the memory allocated during the pass. The attention runs both ways: fused (the
 * n × n matrix never stored) and materialising (the per-head weights asked for, so the matrix is
 * stored, as a plain implementation stores it). Slopes are fitted on log–log axes over the
 * longest lengths measured.
 */
public final class AttentionCost implements Experiment {

    static final int D_MODEL = 512;
    static final int HEADS = 8;

    @Override
    public String name() {
        return "attention-cost";
    }

    @Override
    public String description() {
        return "time and memory of self-attention (fused, materialising) and of an LSTM layer against sequence length n";
    }

    record Size(int[] lengths, int materialiseUpTo, int lstmUpTo, int repeats) {}

    static Size size(boolean quick) {
        return quick ? new Size(new int[] {32, 64, 128, 256}, 256, 256, 2)
                : new Size(new int[] {128, 256, 512, 1024, 2048, 4096, 8192}, 2048, 8192, 3);
    }

    /** One measurement: the median seconds of a forward + backward pass and the bytes allocated during one. */
    record Cost(double seconds, double bytes) {}

    @Override
    public LabResult run(boolean quick, Consumer<String> log) {
        Size z = size(quick);
        Rng rng = new Rng(1);
        MultiheadAttention attention = new MultiheadAttention(D_MODEL, HEADS, rng);
        Lstm lstm = new Lstm(new RecurrentConfig(seqlab.tensor.CellType.LSTM, D_MODEL, D_MODEL, 1, true, true, 0f, false), rng);
        List<List<Object>> rows = new ArrayList<>();
        List<double[]> fused = new ArrayList<>();
        List<double[]> materialised = new ArrayList<>();
        List<double[]> recurrent = new ArrayList<>();
        for (int n : z.lengths()) {
            Tensor x = Tensor.parameter(random(rng, n * D_MODEL), 1, n, D_MODEL);
            float[] w = random(new Rng(n), n * D_MODEL);
            Cost f = measure(z.repeats(), () -> pass(attention, x, w, false));
            fused.add(new double[] {n, f.seconds(), f.bytes()});
            rows.add(List.of("attention, fused", n, round(f.seconds()), (long) f.bytes()));
            log.accept(String.format(Locale.ROOT, "n = %d: fused attention %.4f s, %s allocated", n, f.seconds(), mb(f.bytes())));
            double matrix = 3.0 * HEADS * n * n * Float.BYTES;                    // scores kept twice (before/after dropout) and a gradient
            if (n <= z.materialiseUpTo() && matrix < Footprint.freeHeap() / 2) {
                Cost m = measure(z.repeats(), () -> pass(attention, x, w, true));
                materialised.add(new double[] {n, m.seconds(), m.bytes()});
                rows.add(List.of("attention, materialising", n, round(m.seconds()), (long) m.bytes()));
                log.accept(String.format(Locale.ROOT, "n = %d: materialising attention %.4f s, %s allocated", n, m.seconds(), mb(m.bytes())));
            }
            if (n <= z.lstmUpTo()) {
                Cost l = measure(z.repeats(), () -> {
                    Tensor out = lstm.forward(x, null).output();
                    LinearOps.dot(out, w).backward();
                });
                recurrent.add(new double[] {n, l.seconds(), l.bytes()});
                rows.add(List.of("LSTM", n, round(l.seconds()), (long) l.bytes()));
                log.accept(String.format(Locale.ROOT, "n = %d: LSTM %.4f s, %s allocated", n, l.seconds(), mb(l.bytes())));
            }
        }
        double tFused = slope(fused, 1);
        double tMat = slope(materialised, 1);
        double tLstm = slope(recurrent, 1);
        double mFused = slope(fused, 2);
        double mMat = slope(materialised, 2);
        double mLstm = slope(recurrent, 2);
        String setup = String.format(Locale.ROOT, "one forward + backward pass, batch 1, d_model %d, %d heads (causal) / LSTM hidden %d; "
                + "n = %s; median time of %d after %d warm-up passes, the least allocation of them; %d thread(s); "
                + "slopes of log–log least squares over the longer half of each series",
                D_MODEL, HEADS, D_MODEL, Arrays.toString(z.lengths()), z.repeats(), WARM_UP, seqlab.kernel.Parallel.threads());
        List<Finding> findings = List.of(
                new Finding("Self-attention's time grows as n², a recurrent layer's as n", setup,
                        String.format(Locale.ROOT, "time slopes: fused attention %.2f, materialising %.2f, LSTM %.2f", tFused, tMat, tLstm),
                        verdictTime(tFused, tLstm)),
                new Finding("Self-attention's memory grows as n² only when the n × n matrix is stored", setup,
                        String.format(Locale.ROOT, "allocation slopes: fused attention %.2f, materialising %.2f, LSTM %.2f", mFused, mMat, mLstm),
                        verdictMemory(mFused, mMat)));
        List<Series> time = List.of(series("attention, fused", fused, 1), series("attention, materialising", materialised, 1),
                series("LSTM", recurrent, 1));
        List<Series> memory = List.of(series("attention, fused", fused, 2), series("attention, materialising", materialised, 2),
                series("LSTM", recurrent, 2));
        return new LabResult(name(), "The cost of attention against sequence length", findings,
                List.of("layer", "n", "seconds", "bytes_allocated"), rows,
                List.of(new Figure.Lines("time", "Forward + backward time against sequence length", "sequence length n", "seconds",
                                true, true, time),
                        new Figure.Lines("memory", "Memory allocated by one forward + backward pass", "sequence length n", "bytes",
                                true, true, memory)));
    }

    /** Quadratic within ±0.3, linear within ±0.3, on the longer lengths (the shortest are overhead-bound). */
    static String verdictTime(double attention, double lstm) {
        boolean quadratic = Math.abs(attention - 2) <= 0.3;
        boolean linear = Math.abs(lstm - 1) <= 0.3;
        if (quadratic && linear) {
            return "confirmed: attention's slope is near 2, the LSTM's near 1";
        }
        return "not confirmed at these lengths: " + (quadratic ? "" : String.format(Locale.ROOT, "attention's slope is %.2f, not about 2; ",
                attention)) + (linear ? "" : String.format(Locale.ROOT, "the LSTM's is %.2f, not about 1", lstm));
    }

    static String verdictMemory(double fused, double materialised) {
        boolean linear = fused <= 1.3;
        boolean quadratic = Math.abs(materialised - 2) <= 0.3;
        if (linear && quadratic) {
            return "confirmed: the fused kernel's memory grows linearly, the materialising path's as n²";
        }
        return String.format(Locale.ROOT, "not confirmed at these lengths: fused slope %.2f (linear needs ≤ 1.3), materialising %.2f (quadratic: 1.7–2.3)",
                fused, materialised);
    }

    private static void pass(MultiheadAttention a, Tensor x, float[] w, boolean weights) {
        MultiheadAttention.Output o = a.forward(x, AttentionMask.causal(), weights, null);
        LinearOps.dot(o.output(), w).backward();
    }

    /**
     * Warm-up passes (the JIT compiles the kernels), then the median time of {@code repeats} and
     * the least the threads allocated during one of them (the same allocations each pass; a
     * larger count is another thread's work).
     */
    private static Cost measure(int repeats, Runnable pass) {
        for (int i = 0; i < WARM_UP; i++) {
            pass.run();
        }
        double[] t = new double[repeats];
        double bytes = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long a0 = allocated();
            long t0 = System.nanoTime();
            pass.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
            bytes = Math.min(bytes, allocated() - a0);
        }
        Arrays.sort(t);
        return new Cost(t[repeats / 2], bytes);
    }

    static final int WARM_UP = 3;

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    /** The least-squares slope of log y against log n over the longer half of the points (at least two). */
    static double slope(List<double[]> points, int column) {
        if (points.size() < 2) {
            return Double.NaN;
        }
        int from = Math.min(points.size() - 2, points.size() / 2);
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int k = 0;
        for (double[] p : points.subList(from, points.size())) {
            double lx = Math.log(p[0]);
            double ly = Math.log(p[column]);
            sx += lx;
            sy += ly;
            sxx += lx * lx;
            sxy += lx * ly;
            k++;
        }
        return (k * sxy - sx * sy) / (k * sxx - sx * sx);
    }

    private static Series series(String name, List<double[]> points, int column) {
        return new Series(name, points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[column]).toArray());
    }

    private static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.uniform(-1, 1);
        }
        return x;
    }

    private static double round(double s) {
        return Math.round(s * 1e6) / 1e6;
    }

    private static String mb(double bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
