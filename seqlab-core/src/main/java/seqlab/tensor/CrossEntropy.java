package seqlab.tensor;

import java.util.Arrays;

import seqlab.kernel.FastMath;
import seqlab.kernel.Parallel;
import seqlab.kernel.Softmax;

/**
 * Cross-entropy over logits, PyTorch's {@code F.cross_entropy(logits, target, ignore_index=…)}
 * with mean reduction: L = −(1/N') Σ_{n: y_n ≠ ignore} log softmax(z_n)_{y_n}, N' the number of
 * targets not ignored (L is NaN when N' = 0, as in PyTorch). Logits (N, V), targets (N).
 * Backward: ∂L/∂z_n = (softmax(z_n) − onehot(y_n)) / N' for kept rows, 0 for ignored ones.
 *
 * <p>With label smoothing ε ({@code label_smoothing}, Szegedy et al. 2016, as PyTorch computes it)
 * the target is the mixture (1 − ε)·onehot(y) + ε/V: L_n = (1 − ε)(−log p_{y_n}) + ε·(−(1/V) Σ_j log p_j),
 * and ∂L/∂z_n = (softmax(z_n) − (1 − ε)·onehot(y_n) − ε/V) / N'.
 */
public final class CrossEntropy {

    private CrossEntropy() {}

    public static Tensor mean(Tensor logits, int[] targets, int ignoreIndex) {
        return mean(logits, targets, ignoreIndex, 0f);
    }

    /** The mean cross-entropy with label smoothing ε in [0, 1]. */
    public static Tensor mean(Tensor logits, int[] targets, int ignoreIndex, float smoothing) {
        if (!(smoothing >= 0f && smoothing <= 1f)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1], got " + smoothing);
        }
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("cross_entropy: logits must be (N, V), got " + Arrays.toString(logits.shape()));
        }
        int n = logits.dim(0);
        int v = logits.dim(1);
        if (targets.length != n) {
            throw new IllegalArgumentException("cross_entropy: " + targets.length + " targets for " + n + " rows of logits");
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t == ignoreIndex) {
                continue;
            }
            if (t < 0 || t >= v) {
                throw new IllegalArgumentException("cross_entropy: target " + t + " at row " + i + " is out of range [0, " + v + ")");
            }
            kept++;
        }
        float[] logp = Workspace.uninitialized(n * v);
        boolean ref = seqlab.kernel.Kernels.reference();
        long work = 16L * n * v;
        Parallel.forRanges(n, work, (r0, r1) ->                          // rows are independent
                Softmax.logSoftmax(r1 - r0, v, logits.data(), r0 * v, logp, r0 * v, ref));
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] != ignoreIndex) {
                if (smoothing == 0f) {
                    sum -= logp[i * v + targets[i]];
                    continue;
                }
                double all = 0;
                for (int j = 0; j < v; j++) {
                    all += logp[i * v + j];
                }
                sum -= (1 - smoothing) * logp[i * v + targets[i]] + smoothing * all / v;   // (1 − ε)(−log p_y) + ε(−mean log p)
            }
        }
        Tensor loss = Tensor.of(new float[] {(float) (sum / kept)});
        int[] tg = targets.clone();
        int count = kept;
        Node.record(new Tensor[] {loss}, new Tensor[] {logits}, () -> {
            float[] dl = loss.gradOrNull();
            if (dl == null || !logits.requiresGrad() || count == 0) {
                return;
            }
            float scale = dl[0] / count;
            float[] dz = logits.grad();
            Parallel.forRanges(n, work, (r0, r1) -> {
                float[] p = new float[v];                               // softmax(z_i) of one row
                for (int i = r0; i < r1; i++) {
                    if (tg[i] == ignoreIndex) {
                        continue;
                    }
                    int row = i * v;
                    FastMath.exp(v, logp, row, p, 0);                   // softmax = exp(log_softmax)
                    float uniform = smoothing / v;
                    for (int j = 0; j < v; j++) {
                        dz[row + j] += scale * (smoothing == 0f ? p[j] : p[j] - uniform);
                    }
                    dz[row + tg[i]] -= smoothing == 0f ? scale : scale * (1 - smoothing);
                }
            });
        });
        return loss;
    }
}
