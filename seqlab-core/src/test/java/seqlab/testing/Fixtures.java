package seqlab.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

import seqlab.io.Safetensors;

import static org.assertj.core.api.Assertions.fail;

/** The PyTorch fixtures written by scripts/make_fixtures.py, and a comparison that says where. */
public final class Fixtures {

    private Fixtures() {}

    public static Path path(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name);
        if (url == null) {
            throw new IllegalStateException("fixture " + name + " missing; run /usr/bin/python3 scripts/make_fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Safetensors.File open(String name) {
        return Safetensors.open(path(name));
    }

    /**
     * Fails unless |got − want| ≤ atol + rtol·|want| for every element, reporting the max |diff|
     * and the worst index (llm.c's check_tensor).
     */
    public static void assertClose(String what, float[] want, float[] got, double atol, double rtol) {
        if (want.length != got.length) {
            fail(what + ": " + got.length + " elements, expected " + want.length);
        }
        double maxDiff = 0;
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < want.length; i++) {
            if (Float.isNaN(want[i]) && Float.isNaN(got[i]) || Float.isInfinite(want[i]) && want[i] == got[i]) {
                continue;                                   // the same special value
            }
            double d = Math.abs((double) got[i] - want[i]);
            if (Double.isNaN(d)) {
                fail(what + ": NaN at index " + i + " (want " + want[i] + ", got " + got[i] + ")");
            }
            maxDiff = Math.max(maxDiff, d);
            double excess = d - (atol + rtol * Math.abs(want[i]));
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = i;
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: max |diff| %.3g, worst at %d: PyTorch %.9g, seqlab %.9g (atol %.0e, rtol %.0e)",
                    what, maxDiff, worst, want[worst], got[worst], atol, rtol));
        }
    }

    /** A 0/1 integer tensor as booleans (nonzero = true). */
    public static boolean[] bools(long[] v) {
        boolean[] out = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] != 0;
        }
        return out;
    }

    public static int[] ints(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }
}
