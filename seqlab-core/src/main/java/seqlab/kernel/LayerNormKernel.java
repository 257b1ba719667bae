package seqlab.kernel;

/**
 * Layer normalisation over the last dimension, PyTorch's {@code F.layer_norm}:
 * y = (x − μ) / √(σ² + ε) · γ + β, with μ and the biased variance σ² of each row, accumulated in
 * double. Backward, with x̂ = (x − μ)/√(σ² + ε) and g = ∂y ⊙ γ:
 * ∂x = (g − mean(g) − x̂ · mean(g ⊙ x̂)) / √(σ² + ε); ∂γ = Σ_rows ∂y ⊙ x̂; ∂β = Σ_rows ∂y.
 */
public final class LayerNormKernel {

    private LayerNormKernel() {}

    /** Forward for (rows, n); writes y and each row's mean and 1/√(σ² + ε) (for the backward). */
    public static void forward(int rows, int n, float eps, float[] x, float[] gamma, float[] beta, float[] y,
                               float[] mean, float[] rstd) {
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += x[o + j];
            }
            double mu = n == 0 ? 0 : s / n;
            double v = 0;
            for (int j = 0; j < n; j++) {
                double d = x[o + j] - mu;
                v += d * d;
            }
            double rs = 1.0 / Math.sqrt((n == 0 ? 0 : v / n) + eps);
            mean[r] = (float) mu;
            rstd[r] = (float) rs;
            for (int j = 0; j < n; j++) {
                float xh = (float) ((x[o + j] - mu) * rs);
                y[o + j] = gamma == null ? xh : xh * gamma[j] + (beta == null ? 0f : beta[j]);
            }
        }
    }

    /** Backward: adds into dx, dgamma, dbeta (each may be null to skip). */
    public static void backward(int rows, int n, float[] x, float[] gamma, float[] mean, float[] rstd, float[] dy,
                                float[] dx, float[] dgamma, float[] dbeta) {
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            double sg = 0;
            double sgx = 0;
            for (int j = 0; j < n; j++) {
                double xh = (x[o + j] - mean[r]) * (double) rstd[r];
                double g = dy[o + j] * (gamma == null ? 1.0 : gamma[j]);
                sg += g;
                sgx += g * xh;
                if (dgamma != null) {
                    dgamma[j] += (float) (dy[o + j] * xh);
                }
                if (dbeta != null) {
                    dbeta[j] += dy[o + j];
                }
            }
            if (dx == null) {
                continue;
            }
            double mg = sg / n;
            double mgx = sgx / n;
            for (int j = 0; j < n; j++) {
                double xh = (x[o + j] - mean[r]) * (double) rstd[r];
                double g = dy[o + j] * (gamma == null ? 1.0 : gamma[j]);
                dx[o + j] += (float) ((g - mg - xh * mgx) * rstd[r]);
            }
        }
    }
}
