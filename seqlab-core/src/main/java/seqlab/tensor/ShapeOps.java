package seqlab.tensor;

import java.util.Arrays;
import java.util.List;

import seqlab.kernel.Vec;

/**
 * Differentiable ops that move elements without computing: reshape, transpose, concatenation,
 * stacking, selection of a slice or of rows. Each backward routes the gradient back to where the
 * element came from.
 */
public final class ShapeOps {

    private ShapeOps() {}

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
        Tensor y = Tensor.uninitialized(shape);
        permute01(a, b, inner, x.data(), y.data());
        int in = inner;
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                float[] tmp = Workspace.uninitialized(dy.length);
                permute01(b, a, in, dy, tmp);
                Vec.add(tmp.length, tmp, 0, x.grad(), 0);
            }
        });
        return y;
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
        Tensor y = Tensor.uninitialized(shape);
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
        Tensor y = Tensor.uninitialized(shape);
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
        Tensor y = Tensor.uninitialized(shape);
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
        Tensor y = Tensor.uninitialized(rows.length, c);
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

    private static void permute01(int a, int b, int inner, float[] src, float[] dst) {
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(src, (i * b + j) * inner, dst, (j * a + i) * inner, inner);
            }
        }
    }
}
