package seqlab.tensor;

import java.util.Arrays;

import seqlab.kernel.FastMath;
import seqlab.kernel.Vec;

/**
 * Differentiable element-wise ops: a sum, an activation, dropout, and the broadcast of a per-row
 * vector over a sequence.
 */
public final class PointwiseOps {

    private PointwiseOps() {}

    /** Element-wise a + b (same shape). */
    public static Tensor add(Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("add: shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " differ");
        }
        float[] out = a.data().clone();
        Vec.add(out.length, b.data(), 0, out, 0);
        Tensor y = Tensor.of(out, a.shape());
        Node.record(new Tensor[] {y}, new Tensor[] {a, b}, () -> {
            float[] dy = y.gradOrNull();
            if (dy == null) {
                return;
            }
            if (a.requiresGrad()) {
                Vec.add(dy.length, dy, 0, a.grad(), 0);
            }
            if (b.requiresGrad()) {
                Vec.add(dy.length, dy, 0, b.grad(), 0);
            }
        });
        return y;
    }

    /** Element-wise tanh. */
    public static Tensor tanh(Tensor x) {
        Tensor y = Tensor.zeros(x.shape());
        FastMath.tanh(x.size(), x.data(), 0, y.data(), 0);
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                float[] dx = x.grad();
                float[] yd = y.data();
                for (int i = 0; i < dx.length; i++) {
                    dx[i] += dy[i] * (1f - yd[i] * yd[i]);                // tanh' = 1 − tanh²
                }
            }
        });
        return y;
    }

    /**
     * Inverted dropout: y = x ⊙ m / (1 − p), m_i ~ Bernoulli(1 − p), drawn from {@code rng} in index
     * order. p = 0 returns x itself; p = 1 gives zeros (as PyTorch).
     */
    public static Tensor dropout(Tensor x, float p, Rng rng) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        if (p == 0f) {
            return x;
        }
        float scale = p == 1f ? 0f : 1f / (1f - p);
        float[] mask = new float[x.size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextFloat() < p ? 0f : scale;
        }
        float[] out = new float[mask.length];
        float[] xd = x.data();
        for (int i = 0; i < out.length; i++) {
            out[i] = xd[i] * mask[i];
        }
        Tensor y = Tensor.of(out, x.shape());
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                float[] dx = x.grad();
                for (int i = 0; i < dx.length; i++) {
                    dx[i] += dy[i] * mask[i];
                }
            }
        });
        return y;
    }

    /** out[b, i, :] = seq[b, i, :] + row[b, :]: a per-row vector added at every position. */
    public static Tensor addToEachPosition(Tensor seq, Tensor row) {
        int b = seq.dim(0);
        int s = seq.dim(1);
        int h = seq.dim(2);
        if (row.rank() != 2 || row.dim(0) != b || row.dim(1) != h) {
            throw new IllegalArgumentException("attention: cannot add " + Arrays.toString(row.shape()) + " to each position of "
                    + Arrays.toString(seq.shape()));
        }
        Tensor out = Tensor.of(seq.data().clone(), seq.shape());
        float[] od = out.data();
        float[] rd = row.data();
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < s; i++) {
                seqlab.kernel.Vec.add(h, rd, r * h, od, (r * s + i) * h);
            }
        }
        Node.record(new Tensor[] {out}, new Tensor[] {seq, row}, () -> {
            float[] dout = out.gradOrNull();
            if (dout == null) {
                return;
            }
            if (seq.requiresGrad()) {
                seqlab.kernel.Vec.add(dout.length, dout, 0, seq.grad(), 0);
            }
            if (row.requiresGrad()) {
                float[] dr = row.grad();
                for (int r = 0; r < b; r++) {
                    for (int i = 0; i < s; i++) {
                        seqlab.kernel.Vec.add(h, dout, (r * s + i) * h, dr, r * h);
                    }
                }
            }
        });
        return out;
    }
}
