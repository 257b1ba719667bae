package seqlab.tensor;

import java.util.Arrays;
import java.util.List;

import seqlab.kernel.Gemm;
import seqlab.kernel.Vec;

/**
 * The differentiable ops that are not a layer of their own. Each computes its result with the
 * kernels and records one node whose backward adds into the inputs' gradients.
 */
public final class Ops {

    private Ops() {}

    /**
     * Linear map y = x·Wᵀ + b (PyTorch's {@code F.linear}). x (…, in), W (out, in), b (out) or null;
     * y (…, out).
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        int in = w.dim(1);
        int out = w.dim(0);
        if (x.rank() == 0 || x.dim(-1) != in) {
            throw new IllegalArgumentException("linear: input has shape " + Arrays.toString(x.shape())
                    + ", expected last dimension " + in + " (weight " + Arrays.toString(w.shape()) + ")");
        }
        if (b != null && (b.rank() != 1 || b.dim(0) != out)) {
            throw new IllegalArgumentException("linear: bias has shape " + Arrays.toString(b.shape()) + ", expected [" + out + "]");
        }
        int rows = rowsOf(x);
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        Tensor y = Tensor.zeros(shape);
        Gemm.sgemm(false, true, rows, out, in, 1f, x.data(), 0, Math.max(in, 1), w.data(), 0, Math.max(in, 1), 0f, y.data(), 0, Math.max(out, 1));
        if (b != null) {
            Vec.addBias(rows, out, b.data(), 0, y.data(), 0);
        }
        int r = rows;
        Node.record(new Tensor[] {y}, new Tensor[] {x, w, b}, () -> {
            float[] dy = y.gradOrNull();
            if (dy == null) {
                return;
            }
            if (x.requiresGrad()) {                      // ∂x = ∂y·W
                Gemm.sgemm(false, false, r, in, out, 1f, dy, 0, Math.max(out, 1), w.data(), 0, Math.max(in, 1), 1f, x.grad(), 0, Math.max(in, 1));
            }
            if (w.requiresGrad()) {                      // ∂W = ∂yᵀ·x
                Gemm.sgemm(true, false, out, in, r, 1f, dy, 0, Math.max(out, 1), x.data(), 0, Math.max(in, 1), 1f, w.grad(), 0, Math.max(in, 1));
            }
            if (b != null && b.requiresGrad()) {         // ∂b = Σ_rows ∂y
                Vec.addRows(r, out, dy, 0, b.grad(), 0);
            }
        });
        return y;
    }

    private static int rowsOf(Tensor x) {
        int rows = 1;
        for (int i = 0; i < x.rank() - 1; i++) {
            rows *= x.dim(i);
        }
        return rows;
    }

    /**
     * Embedding lookup: out[i, :] = W[ids[i], :]. ids has {@code idsShape}; W (V, E); out (idsShape…, E).
     * The backward scatter-adds rows in index order (deterministic).
     */
    public static Tensor embedding(int[] ids, int[] idsShape, Tensor w) {
        int vocab = w.dim(0);
        int e = w.dim(1);
        if (Tensor.numel(idsShape) != ids.length) {
            throw new IllegalArgumentException("embedding: " + ids.length + " ids do not fill shape " + Arrays.toString(idsShape));
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("embedding: token id " + ids[i] + " at position " + i
                        + " is out of range [0, " + vocab + ")");
            }
        }
        int[] shape = Arrays.copyOf(idsShape, idsShape.length + 1);
        shape[idsShape.length] = e;
        Tensor out = Tensor.zeros(shape);
        float[] od = out.data();
        float[] wd = w.data();
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(wd, ids[i] * e, od, i * e, e);
        }
        int[] idCopy = ids.clone();
        Node.record(new Tensor[] {out}, new Tensor[] {w}, () -> {
            float[] dout = out.gradOrNull();
            if (dout == null) {
                return;
            }
            float[] dw = w.grad();
            for (int i = 0; i < idCopy.length; i++) {
                Vec.add(e, dout, i * e, dw, idCopy[i] * e);
            }
        });
        return out;
    }

    /** A tensor with a new shape over the same data (same element count). */
    public static Tensor reshape(Tensor x, int... shape) {
        Tensor y = Tensor.of(x.data(), shape);
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                Vec.add(dy.length, dy, 0, x.grad(), 0);
            }
        });
        return y;
    }

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

    /** Σ_i x_i·w_i for a constant weight w (a scalar; used by gradcheck and tests). */
    public static Tensor dot(Tensor x, float[] w) {
        if (w.length != x.size()) {
            throw new IllegalArgumentException("dot: weight has " + w.length + " elements, tensor " + x.size());
        }
        double s = 0;
        float[] xd = x.data();
        for (int i = 0; i < w.length; i++) {
            s += (double) xd[i] * w[i];
        }
        Tensor y = Tensor.of(new float[] {(float) s});
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                Vec.axpy(w.length, dy[0], w, 0, x.grad(), 0);
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

    /** Swaps the first two dimensions: (A, B, …) → (B, A, …), e.g. batch-first ↔ time-major. */
    public static Tensor transpose01(Tensor x) {
        int a = x.dim(0);
        int b = x.dim(1);
        int inner = x.size() / Math.max(1, a * b);
        if (a * b == 0) {
            inner = 0;
        }
        int[] shape = x.shape();
        shape[0] = b;
        shape[1] = a;
        Tensor y = Tensor.zeros(shape);
        permute01(a, b, inner, x.data(), y.data());
        int in = inner;
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                float[] tmp = new float[dy.length];
                permute01(b, a, in, dy, tmp);
                Vec.add(tmp.length, tmp, 0, x.grad(), 0);
            }
        });
        return y;
    }

    private static void permute01(int a, int b, int inner, float[] src, float[] dst) {
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(src, (i * b + j) * inner, dst, (j * a + i) * inner, inner);
            }
        }
    }

    /** Concatenates along the last dimension: (…, Ca) and (…, Cb) → (…, Ca + Cb). */
    public static Tensor concatLast(Tensor a, Tensor b) {
        int ca = a.dim(-1);
        int cb = b.dim(-1);
        int[] sa = a.shape();
        int[] sb = b.shape();
        sa[sa.length - 1] = 0;
        sb[sb.length - 1] = 0;
        if (!Arrays.equals(sa, sb)) {
            throw new IllegalArgumentException("concat: shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " differ outside the last dimension");
        }
        int rows = ca + cb == 0 ? 0 : (a.size() + b.size()) / (ca + cb);
        int[] shape = a.shape();
        shape[shape.length - 1] = ca + cb;
        Tensor y = Tensor.zeros(shape);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a.data(), r * ca, y.data(), r * (ca + cb), ca);
            System.arraycopy(b.data(), r * cb, y.data(), r * (ca + cb) + ca, cb);
        }
        Node.record(new Tensor[] {y}, new Tensor[] {a, b}, () -> {
            float[] dy = y.gradOrNull();
            if (dy == null) {
                return;
            }
            for (int r = 0; r < rows; r++) {
                if (a.requiresGrad()) {
                    Vec.add(ca, dy, r * (ca + cb), a.grad(), r * ca);
                }
                if (b.requiresGrad()) {
                    Vec.add(cb, dy, r * (ca + cb) + ca, b.grad(), r * cb);
                }
            }
        });
        return y;
    }

    /** Stacks equal-shaped tensors along a new first dimension. */
    public static Tensor stack(List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("stack: no tensors");
        }
        int[] s0 = parts.get(0).shape();
        int n = parts.get(0).size();
        int[] shape = new int[s0.length + 1];
        shape[0] = parts.size();
        System.arraycopy(s0, 0, shape, 1, s0.length);
        Tensor y = Tensor.zeros(shape);
        for (int i = 0; i < parts.size(); i++) {
            if (!Arrays.equals(parts.get(i).shape(), s0)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Arrays.toString(parts.get(i).shape())
                        + ", expected " + Arrays.toString(s0));
            }
            System.arraycopy(parts.get(i).data(), 0, y.data(), i * n, n);
        }
        Tensor[] inputs = parts.toArray(new Tensor[0]);
        Node.record(new Tensor[] {y}, inputs, () -> {
            float[] dy = y.gradOrNull();
            if (dy == null) {
                return;
            }
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i].requiresGrad()) {
                    Vec.add(n, dy, i * n, inputs[i].grad(), 0);
                }
            }
        });
        return y;
    }

    /** x[i] along the first dimension: (N, …) → (…). */
    public static Tensor select(Tensor x, int i) {
        if (i < 0 || i >= x.dim(0)) {
            throw new IllegalArgumentException("select: index " + i + " out of range for dimension of size " + x.dim(0));
        }
        int[] s = x.shape();
        int[] shape = Arrays.copyOfRange(s, 1, s.length);
        int n = x.dim(0) == 0 ? 0 : x.size() / x.dim(0);
        Tensor y = Tensor.zeros(shape);
        System.arraycopy(x.data(), i * n, y.data(), 0, n);
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                Vec.add(n, dy, 0, x.grad(), i * n);
            }
        });
        return y;
    }

    /** Rows {@code rows[i]} of a matrix: (N, C) → (rows.length, C); the gradient is scattered back (added). */
    public static Tensor rows(Tensor x, int[] rows) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("rows: expected a matrix, got shape " + Arrays.toString(x.shape()));
        }
        int c = x.dim(1);
        Tensor y = Tensor.zeros(rows.length, c);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= x.dim(0)) {
                throw new IllegalArgumentException("rows: index " + rows[i] + " out of range for " + x.dim(0) + " rows");
            }
            System.arraycopy(x.data(), rows[i] * c, y.data(), i * c, c);
        }
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                float[] dx = x.grad();
                for (int i = 0; i < rows.length; i++) {
                    Vec.add(c, dy, i * c, dx, rows[i] * c);
                }
            }
        });
        return y;
    }
}
