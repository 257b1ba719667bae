package seqlab.tensor;

import java.util.Arrays;

import seqlab.kernel.Gemm;
import seqlab.kernel.Vec;

/**
 * The differentiable linear maps: a dense layer y = x·Wᵀ + b, an embedding lookup (the product
 * with a one-hot row), and a dot product with a constant vector (for gradchecks and tests).
 */
public final class LinearOps {

    private LinearOps() {}

    /**
     * Linear map y = x·Wᵀ + b (PyTorch's {@code F.linear}). x (…, in), W (out, in), b (out) or null;
     * y (…, out).
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        return linear(x, w, b, 0, w.dim(0));
    }

    /**
     * y = x·W[from:to]ᵀ + b[from:to]: the map of a block of W's rows, as a packed projection's
     * part (the key and value rows of {@code in_proj_weight}). x (…, in), W (out, in), b (out) or
     * null; y (…, to − from). The gradients land in the same rows of W and b.
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor b, int from, int to) {
        int in = w.dim(1);
        if (from < 0 || to < from || to > w.dim(0)) {
            throw new IllegalArgumentException("linear: rows [" + from + ", " + to + ") of a weight " + Arrays.toString(w.shape()));
        }
        int out = to - from;
        if (x.rank() == 0 || x.dim(-1) != in) {
            throw new IllegalArgumentException("linear: input has shape " + Arrays.toString(x.shape())
                    + ", expected last dimension " + in + " (weight " + Arrays.toString(w.shape()) + ")");
        }
        if (b != null && (b.rank() != 1 || b.dim(0) != w.dim(0))) {
            throw new IllegalArgumentException("linear: bias has shape " + Arrays.toString(b.shape()) + ", expected [" + w.dim(0) + "]");
        }
        int rows = rowsOf(x);
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        Tensor y = Tensor.uninitialized(shape);          // written by the β = 0 product
        int ld = Math.max(in, 1);
        int wOff = from * in;
        Gemm.sgemm(false, true, rows, out, in, 1f, x.data(), 0, ld, w.data(), wOff, ld, 0f, y.data(), 0, Math.max(out, 1));
        if (b != null) {
            Vec.addBias(rows, out, b.data(), from, y.data(), 0);
        }
        int r = rows;
        Node.record(new Tensor[] {y}, new Tensor[] {x, w, b}, () -> {
            float[] dy = y.gradOrNull();
            if (dy == null) {
                return;
            }
            if (x.requiresGrad()) {                      // ∂x = ∂y·W
                Gemm.sgemm(false, false, r, in, out, 1f, dy, 0, Math.max(out, 1), w.data(), wOff, ld, 1f, x.grad(), 0, ld);
            }
            if (w.requiresGrad()) {                      // ∂W = ∂yᵀ·x
                Gemm.sgemm(true, false, out, in, r, 1f, dy, 0, Math.max(out, 1), x.data(), 0, ld, 1f, w.grad(), wOff, ld);
            }
            if (b != null && b.requiresGrad()) {         // ∂b = Σ_rows ∂y
                Vec.addRows(r, out, dy, 0, b.grad(), from);
            }
        });
        return y;
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
        Tensor out = Tensor.uninitialized(shape);
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

    private static int rowsOf(Tensor x) {
        int rows = 1;
        for (int i = 0; i < x.rank() - 1; i++) {
            rows *= x.dim(i);
        }
        return rows;
    }
}
