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
}
