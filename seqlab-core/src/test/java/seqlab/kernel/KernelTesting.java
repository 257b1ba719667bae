package seqlab.kernel;

import java.util.SplittableRandom;

import seqlab.testing.Fixtures;

/** Helpers shared by the kernel tests: seeded data and a max-diff comparison that says where. */
final class KernelTesting {

    private KernelTesting() {}

    static float[] random(SplittableRandom rnd, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble(-1, 1) * scale);
        }
        return x;
    }

    /** Fails unless |got − want| ≤ atol + rtol·|want| everywhere; reports the worst index. */
    static void assertClose(String what, float[] want, float[] got, double atol, double rtol) {
        Fixtures.assertClose(what, want, got, atol, rtol);
    }

    /**
     * C = 0.75·op(A)·op(B) for all four transpose flags, each operand also stored transposed (and
     * with a padded leading dimension): null when all four give the same bits, else what differed.
     */
    static String layoutsAgree(SplittableRandom rnd, int m, int n, int k) {
        float[] a = random(rnd, m * k, 1f);                      // (M, K)
        float[] b = random(rnd, k * n, 1f);                      // (K, N)
        float[] at = new float[k * (m + 3)];                     // Aᵀ stored (K, M), ld M + 3
        float[] bt = new float[n * (k + 5)];                     // Bᵀ stored (N, K), ld K + 5
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                at[p * (m + 3) + i] = a[i * k + p];
            }
        }
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                bt[j * (k + 5) + p] = b[p * n + j];
            }
        }
        float[] first = null;
        for (int v = 0; v < 4; v++) {
            boolean ta = (v & 1) != 0;
            boolean tb = (v & 2) != 0;
            float[] c = new float[m * n];
            Gemm.sgemm(ta, tb, m, n, k, 0.75f, ta ? at : a, 0, ta ? m + 3 : k, tb ? bt : b, 0, tb ? k + 5 : n, 0f, c, 0, n);
            if (first == null) {
                first = c;
            } else if (!java.util.Arrays.equals(first, c)) {
                return "M=" + m + " N=" + n + " K=" + k + ": transA=" + ta + " transB=" + tb + " differs from A·B";
            }
        }
        return null;
    }
}
