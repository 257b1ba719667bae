package seqlab.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer normalisation over the last dimension, PyTorch's {@code F.layer_norm}:
 * y = (x − μ) / √(σ² + ε) · γ + β, with μ and the biased variance σ² of each row, accumulated in
 * double. Backward, with x̂ = (x − μ)/√(σ² + ε) and g = ∂y ⊙ γ:
 * ∂x = (g − mean(g) − x̂ · mean(g ⊙ x̂)) / √(σ² + ε); ∂γ = Σ_rows ∂y ⊙ x̂; ∂β = Σ_rows ∂y.
 *
 * <p>Rows are split over the thread pool. Each row is widened to doubles by a plain loop into a
 * scratch row, the sums and x̂ run on vectors of doubles (the last n mod L columns on the scalar
 * path), and plain loops round back to floats: widening float vectors needs a float species of half
 * the preferred width, and with two float species in use C2 boxed every kernel's vectors on AVX2
 * (BENCHMARKS.md, 2026-12-02 afternoon). ∂γ and ∂β are summed per block of {@value #BLOCK} rows and the blocks then in order, so
 * every result is the same for any thread count. {@link #reference} and {@link #referenceBackward}
 * are the plain loops the kernel is tested against (and what runs under {@link Kernels#useReference}).
 *
 * <p>Shapes: x, y, ∂y, ∂x (rows, n) row-major; γ, β, ∂γ, ∂β (n); mean, rstd (rows).
 */
public final class LayerNormKernel {

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();
    /** Rows whose ∂γ, ∂β are summed together before the blocks are added in order. */
    static final int BLOCK = 32;
    /** Per thread: the backward's four rows, the first also the forward's (the two never nest). */
    private static final ScratchRow[] ROWS = {new ScratchRow(), new ScratchRow(), new ScratchRow(), new ScratchRow()};
    /** A rough count of operations per element, for the thread split. */
    private static final long WORK = 8;

    private LayerNormKernel() {}

    /** Forward for (rows, n); writes y and each row's mean and 1/√(σ² + ε) (for the backward). */
    public static void forward(int rows, int n, float eps, float[] x, float[] gammaOrNull, float[] betaOrNull, float[] y,
                               float[] mean, float[] rstd) {
        if (Kernels.reference()) {
            reference(rows, n, eps, x, gammaOrNull, betaOrNull, y, mean, rstd);
            return;
        }
        Parallel.forRanges(rows, WORK * rows * n, (r0, r1) -> {
            double[] xd = ROWS[0].doubles(n);                               // the row in double, then x̂
            for (int r = r0; r < r1; r++) {
                int o = r * n;
                widen(n, x, o, xd);
                double mu = n == 0 ? 0 : sum(n, xd) / n;                              // μ
                double v = squaredDeviations(n, xd, mu);
                double rs = 1.0 / Math.sqrt((n == 0 ? 0 : v / n) + eps);          // 1/√(σ² + ε)
                mean[r] = (float) mu;
                rstd[r] = (float) rs;
                normalise(n, xd, mu, rs);                                             // x̂
                for (int j = 0; j < n; j++) {                                        // y = x̂·γ + β (absent: 1 and 0)
                    y[o + j] = (float) xd[j] * (gammaOrNull == null ? 1f : gammaOrNull[j]) + (betaOrNull == null ? 0f : betaOrNull[j]);
                }
            }
        });
    }

    /** Backward: adds into dx, dgamma, dbeta (each may be null to skip). */
    public static void backward(int rows, int n, float[] x, float[] gammaOrNull, float[] mean, float[] rstd, float[] dy,
                                float[] dx, float[] dgamma, float[] dbeta) {
        if (Kernels.reference()) {
            referenceBackward(rows, n, x, gammaOrNull, mean, rstd, dy, dx, dgamma, dbeta);
            return;
        }
        float[] gamma = gammaOrNull != null ? gammaOrNull : ones(n);                // g = ∂y·1 = ∂y
        int blocks = (rows + BLOCK - 1) / BLOCK;
        float[] pg = dgamma == null ? null : new float[blocks * n];                  // per block: Σ ∂y ⊙ x̂
        float[] pb = dbeta == null ? null : new float[blocks * n];                   // per block: Σ ∂y
        Parallel.forRanges(blocks, WORK * rows * n, (b0, b1) -> {
            double[][] scratch = {ROWS[0].doubles(n), ROWS[1].doubles(n), ROWS[2].doubles(n), ROWS[3].doubles(n)};
            widen(n, gamma, 0, scratch[2]);
            for (int b = b0; b < b1; b++) {
                for (int r = b * BLOCK; r < Math.min(rows, (b + 1) * BLOCK); r++) {
                    backwardRow(r, n, x, mean[r], rstd[r], dy, dx, pg, pb, b * n, scratch);
                }
            }
        });
        for (int b = 0; b < blocks; b++) {                                           // the blocks in order
            if (pg != null) {
                Vec.add(n, pg, b * n, dgamma, 0);
            }
            if (pb != null) {
                Vec.add(n, pb, b * n, dbeta, 0);
            }
        }
    }

    /** One row of the backward; scratch holds x, ∂y and γ as doubles (γ already there) and a row for results. */
    private static void backwardRow(int r, int n, float[] x, double mu, double rs, float[] dy, float[] dx,
                                    float[] pg, float[] pb, int p, double[][] scratch) {
        int o = r * n;
        double[] xh = scratch[0];                                                    // x̂, once widened
        double[] g = scratch[1];                                                     // ∂y, then g = ∂y ⊙ γ
        double[] gd = scratch[2];
        double[] out = scratch[3];
        widen(n, x, o, xh);
        widen(n, dy, o, g);
        normalise(n, xh, mu, rs);
        int vn = n / L * L;
        DoubleVector accG = DoubleVector.zero(D);
        DoubleVector accGx = DoubleVector.zero(D);
        for (int j = 0; j < vn; j += L) {
            DoubleVector h = DoubleVector.fromArray(D, xh, j);
            DoubleVector d = DoubleVector.fromArray(D, g, j);
            DoubleVector gj = d.mul(DoubleVector.fromArray(D, gd, j));                         // g = ∂y ⊙ γ
            accG = accG.add(gj);
            accGx = gj.fma(h, accGx);
            d.mul(h).intoArray(out, j);                                                        // ∂y ⊙ x̂
            gj.intoArray(g, j);
        }
        double sg = 0;
        double sgx = 0;
        for (int l = 0; l < L; l++) {                                                // the lanes in order (see sum)
            sg += accG.lane(l);
            sgx += accGx.lane(l);
        }
        for (int j = vn; j < n; j++) {
            double gj = g[j] * gd[j];
            sg += gj;
            sgx += gj * xh[j];
            out[j] = g[j] * xh[j];
            g[j] = gj;
        }
        if (pg != null) {
            for (int j = 0; j < n; j++) {
                pg[p + j] += (float) out[j];
            }
        }
        if (pb != null) {
            Vec.add(n, dy, o, pb, p);
        }
        if (dx == null) {
            return;
        }
        double mg = sg / n;                                                          // mean(g)
        double mgx = sgx / n;                                                        // mean(g ⊙ x̂)
        for (int j = 0; j < vn; j += L) {
            DoubleVector h = DoubleVector.fromArray(D, xh, j);
            DoubleVector.fromArray(D, g, j).sub(mg).sub(h.mul(mgx)).mul(rs).intoArray(out, j);   // (g − mean(g) − x̂·mean(g ⊙ x̂))/√(σ² + ε)
        }
        for (int j = vn; j < n; j++) {
            out[j] = (g[j] - mg - xh[j] * mgx) * rs;
        }
        for (int j = 0; j < n; j++) {
            dx[o + j] += (float) out[j];
        }
    }

    /** xd[j] = x[o + j] for j in [0, n). */
    private static void widen(int n, float[] x, int o, double[] xd) {
        for (int j = 0; j < n; j++) {
            xd[j] = x[o + j];
        }
    }

    /**
     * Σ_j xd[j]: L partial sums (lane l over j ≡ l mod L), the lanes in order, then the rest in order.
     * Not {@code reduceLanes(ADD)}: its order is the implementation's, and compiled and interpreted
     * code sum differently, so a result would depend on the JIT's timing.
     */
    private static double sum(int n, double[] xd) {
        int vn = n / L * L;
        DoubleVector acc = DoubleVector.zero(D);
        for (int j = 0; j < vn; j += L) {
            acc = acc.add(DoubleVector.fromArray(D, xd, j));
        }
        double s = 0;
        for (int l = 0; l < L; l++) {
            s += acc.lane(l);
        }
        for (int j = vn; j < n; j++) {
            s += xd[j];
        }
        return s;
    }

    /** Σ_j (xd[j] − μ)², summed as {@link #sum}. */
    private static double squaredDeviations(int n, double[] xd, double mu) {
        int vn = n / L * L;
        DoubleVector acc = DoubleVector.zero(D);
        for (int j = 0; j < vn; j += L) {
            DoubleVector d = DoubleVector.fromArray(D, xd, j).sub(mu);
            acc = d.fma(d, acc);
        }
        double v = 0;
        for (int l = 0; l < L; l++) {
            v += acc.lane(l);
        }
        for (int j = vn; j < n; j++) {
            double d = xd[j] - mu;
            v += d * d;
        }
        return v;
    }

    /** xd[j] = (xd[j] − μ)·rs: x̂ in place. */
    private static void normalise(int n, double[] xd, double mu, double rs) {
        int vn = n / L * L;
        for (int j = 0; j < vn; j += L) {
            DoubleVector.fromArray(D, xd, j).sub(mu).mul(rs).intoArray(xd, j);
        }
        for (int j = vn; j < n; j++) {
            xd[j] = (xd[j] - mu) * rs;
        }
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    /** x̂·γ + β, γ and β each optional (absent: 1 and 0, as in {@code F.layer_norm}). */
    private static float normalised(float x, double mu, double rs, int j, float[] gamma, float[] beta) {
        float xh = (float) ((x - mu) * rs);
        return xh * (gamma == null ? 1f : gamma[j]) + (beta == null ? 0f : beta[j]);
    }

    /** The plain loop: forward, one row after another, sums in order. */
    static void reference(int rows, int n, float eps, float[] x, float[] gamma, float[] beta, float[] y, float[] mean, float[] rstd) {
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
                y[o + j] = normalised(x[o + j], mu, rs, j, gamma, beta);
            }
        }
    }

    /** The plain loop: backward, ∂γ and ∂β summed over the rows in order. */
    static void referenceBackward(int rows, int n, float[] x, float[] gamma, float[] mean, float[] rstd, float[] dy,
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
