package seqlab.tensor;

import java.util.List;
import java.util.function.Supplier;

/**
 * Checks an op's backward against central differences, in the way of PyTorch's
 * {@code torch.autograd.gradcheck}, adapted to float32: the scalar is L = Σ_i w_i·f(x)_i with a
 * fixed random w (summed in double), the numerical derivative is (L(x + ε) − L(x − ε)) / 2ε, and
 * an element passes when |analytic − numerical| ≤ atol + rtol·|numerical|.
 */
public final class Gradcheck {

    /** What was checked, the worst errors, and the first failure (null when all passed). */
    public record Report(int checked, double maxAbsError, String firstFailure) {
        public boolean passed() {
            return firstFailure == null;
        }
    }

    private Gradcheck() {}

    /**
     * @param f       recomputes the op's output from {@code inputs} (called many times)
     * @param inputs  the tensors to differentiate with respect to (each must require a gradient)
     * @param maxPerInput at most this many elements per input are checked (chosen by a seeded draw)
     */
    public static Report check(Supplier<Tensor> f, List<Tensor> inputs, double eps, double atol, double rtol,
                               int maxPerInput, long seed) {
        Rng rng = new Rng(seed);
        Tensor out0 = f.get();
        float[] w = new float[out0.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.uniform(-1f, 1f);
        }
        for (Tensor t : inputs) {
            if (!t.requiresGrad()) {
                throw new IllegalArgumentException("gradcheck: every input must require a gradient");
            }
            t.zeroGrad();
        }
        Tensor loss = LinearOps.dot(out0, w);
        if (loss.requiresGrad()) {
            loss.backward();
        }
        int checked = 0;
        double maxAbs = 0;
        String failure = null;
        for (int k = 0; k < inputs.size(); k++) {
            Tensor t = inputs.get(k);
            float[] analytic = t.grad().clone();
            float[] x = t.data();
            int n = x.length;
            int count = Math.min(n, maxPerInput);
            for (int c = 0; c < count; c++) {
                int i = count == n ? c : rng.nextInt(n);
                float orig = x[i];
                x[i] = (float) (orig + eps);
                double lp = weighted(f.get(), w);
                x[i] = (float) (orig - eps);
                double lm = weighted(f.get(), w);
                x[i] = orig;
                double h = ((double) (float) (orig + eps) - (float) (orig - eps));
                double numerical = (lp - lm) / h;
                double err = Math.abs(analytic[i] - numerical);
                maxAbs = Math.max(maxAbs, err);
                checked++;
                if (failure == null && err > atol + rtol * Math.abs(numerical)) {
                    failure = String.format("input %d element %d: analytic %.6g, numerical %.6g (|diff| %.3g > %.1g + %.1g·|num|)",
                            k, i, analytic[i], numerical, err, atol, rtol);
                }
            }
        }
        return new Report(checked, maxAbs, failure);
    }

    private static double weighted(Tensor out, float[] w) {
        float[] d = out.data();
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += (double) d[i] * w[i];
        }
        return s;
    }
}
