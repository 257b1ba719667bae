package seqlab.tensor;

import java.util.Arrays;

import seqlab.kernel.LayerNormKernel;

/** Layer norm over the last dimension as one op (see {@link LayerNormKernel} for the equations). */
public final class LayerNormOp {

    private LayerNormOp() {}

    /** x (…, C), γ and β (C) or null → y (…, C). */
    public static Tensor apply(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int n = x.dim(-1);
        for (Tensor p : new Tensor[] {gamma, beta}) {
            if (p != null && (p.rank() != 1 || p.dim(0) != n)) {
                throw new IllegalArgumentException("layer_norm: weight/bias of shape " + Arrays.toString(p.shape())
                        + " do not match normalized_shape [" + n + "]");
            }
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("layer_norm: eps must be > 0, got " + eps);
        }
        int rows = n == 0 ? 0 : x.size() / n;
        float[] mean = Workspace.uninitialized(rows);     // the kernel writes mean, rstd and y in full
        float[] rstd = Workspace.uninitialized(rows);
        Tensor y = Tensor.uninitialized(x.shape());
        LayerNormKernel.forward(rows, n, eps, x.data(), gamma == null ? null : gamma.data(), beta == null ? null : beta.data(),
                y.data(), mean, rstd);
        Node.record(new Tensor[] {y}, new Tensor[] {x, gamma, beta}, () -> {
            float[] dy = y.gradOrNull();
            if (dy == null) {
                return;
            }
            LayerNormKernel.backward(rows, n, x.data(), gamma == null ? null : gamma.data(), mean, rstd, dy,
                    x.requiresGrad() ? x.grad() : null,
                    gamma != null && gamma.requiresGrad() ? gamma.grad() : null,
                    beta != null && beta.requiresGrad() ? beta.grad() : null);
        });
        return y;
    }
}
