package seqlab.kernel;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.fail;

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
        if (want.length != got.length) {
            fail(what + ": length " + got.length + ", expected " + want.length);
        }
        int worst = -1;
        double worstExcess = 0;
        double maxDiff = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs((double) got[i] - want[i]);
            if (Double.isNaN(d) && !(Float.isNaN(want[i]) && Float.isNaN(got[i]))) {
                fail(what + ": NaN at " + i + " (want " + want[i] + ", got " + got[i] + ")");
            }
            if (Float.isInfinite(want[i]) && want[i] == got[i]) {
                continue;
            }
            maxDiff = Math.max(maxDiff, d);
            double excess = d - (atol + rtol * Math.abs(want[i]));
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = i;
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: max |diff| %.3g; worst at %d: want %.9g got %.9g (atol %.1g, rtol %.1g)",
                    what, maxDiff, worst, want[worst], got[worst], atol, rtol));
        }
    }
}
