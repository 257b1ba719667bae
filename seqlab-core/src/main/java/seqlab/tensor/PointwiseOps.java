package seqlab.tensor;

import java.util.Arrays;

import seqlab.kernel.FastMath;
import seqlab.kernel.Gelu;
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
        float[] out = Workspace.copyOf(a.data());
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
        Tensor y = Tensor.uninitialized(x.shape());
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
        float[] mask = Workspace.uninitialized(x.size());          // mask and out are written in full
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextFloat() < p ? 0f : scale;
        }
        float[] out = Workspace.uninitialized(mask.length);
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
        Tensor out = Tensor.of(Workspace.copyOf(seq.data()), seq.shape());
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

    /** ReLU(x) = max(0, x), element-wise; NaN stays NaN and the gradient at 0 is 0, as PyTorch's. */
    public static Tensor relu(Tensor x) {
        float[] xd = x.data();
        Tensor y = Tensor.uninitialized(x.shape());
        float[] yd = y.data();
        for (int i = 0; i < yd.length; i++) {
            yd[i] = Math.max(xd[i], 0f);
        }
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                float[] dx = x.grad();
                for (int i = 0; i < dx.length; i++) {
                    if (xd[i] > 0f) {
                        dx[i] += dy[i];
                    }
                }
            }
        });
        return y;
    }

    /** GELU(x) = x·Φ(x), exact or in its tanh form (see {@link Gelu}), element-wise. */
    public static Tensor gelu(Tensor x, boolean tanh) {
        Tensor y = Tensor.uninitialized(x.shape());
        Gelu.forward(x.size(), tanh, x.data(), 0, y.data(), 0);
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                Gelu.backward(x.size(), tanh, x.data(), 0, dy, 0, x.grad(), 0);
            }
        });
        return y;
    }

    /**
     * out[b, t, :] = x[b, t, :] + table[from + t, :]: rows of a (P, d) position table added to every
     * batch row of x (B, T, d). The table's gradient, if it has one, is the sum over the batch.
     */
    public static Tensor addPositions(Tensor x, Tensor table, int from) {
        if (x.rank() != 3 || table.rank() != 2 || table.dim(1) != x.dim(2) || from < 0 || from + x.dim(1) > table.dim(0)) {
            throw new IllegalArgumentException("positions: rows [" + from + ", " + (from + (x.rank() == 3 ? x.dim(1) : 0)) + ") of a table "
                    + Arrays.toString(table.shape()) + " do not fit an input " + Arrays.toString(x.shape()));
        }
        int b = x.dim(0);
        int n = x.dim(1) * x.dim(2);
        int off = from * x.dim(2);
        Tensor out = Tensor.of(Workspace.copyOf(x.data()), x.shape());
        for (int r = 0; r < b; r++) {
            Vec.add(n, table.data(), off, out.data(), r * n);
        }
        Node.record(new Tensor[] {out}, new Tensor[] {x, table}, () -> {
            float[] dy = out.gradOrNull();
            if (dy == null) {
                return;
            }
            if (x.requiresGrad()) {
                Vec.add(dy.length, dy, 0, x.grad(), 0);
            }
            if (table.requiresGrad()) {
                for (int r = 0; r < b; r++) {
                    Vec.add(n, dy, r * n, table.grad(), off);
                }
            }
        });
        return out;
    }

    /** y = a·x for a constant a (the embeddings' √d_model). */
    public static Tensor scale(Tensor x, float a) {
        float[] out = Workspace.copyOf(x.data());
        Vec.scale(out.length, a, out, 0);
        Tensor y = Tensor.of(out, x.shape());
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                Vec.axpy(dy.length, a, dy, 0, x.grad(), 0);
            }
        });
        return y;
    }
}
