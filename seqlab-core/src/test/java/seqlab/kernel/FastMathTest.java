package seqlab.kernel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FastMathTest {

    private static float[] grid(float lo, float hi, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * i / (n - 1);
        }
        return x;
    }

    private interface ArrayOp {
        void apply(int n, float[] x, int xOff, float[] out, int oOff);
    }

    /** The array form over all of x, into a separate array. */
    private static float[] vectorised(float[] x, ArrayOp f) {
        float[] out = new float[x.length];
        f.apply(x.length, x, 0, out, 0);
        return out;
    }

    @Test
    void expIsWithinTwoUlpAndVectorEqualsScalar() {
        float[] x = grid(-87f, 88f, 200_001);
        float[] v = vectorised(x, FastMath::exp);
        for (int i = 0; i < x.length; i++) {
            float want = (float) StrictMath.exp(x[i]);
            float got = FastMath.exp(x[i]);
            assertThat(Math.abs(got - want)).as("exp(%s)", x[i]).isLessThanOrEqualTo(2 * Math.ulp(want));
            assertThat(v[i]).as("vector exp(%s)", x[i]).isEqualTo(got);
        }
    }

    @Test
    void expEdges() {
        assertThat(FastMath.exp(0f)).isEqualTo(1f);
        assertThat(FastMath.exp(100f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FastMath.exp(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FastMath.exp(-200f)).isEqualTo(0f);
        assertThat(FastMath.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(FastMath.exp(Float.NaN)).isNaN();
        float[] v = vectorised(new float[] {100f, -200f, Float.NaN, Float.NEGATIVE_INFINITY}, FastMath::exp);
        assertThat(v[0]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(v[1]).isEqualTo(0f);
        assertThat(v[2]).isNaN();
        assertThat(v[3]).isEqualTo(0f);
    }

    @Test
    void tanhAndSigmoidAreAccurateAndVectorEqualsScalar() {
        float[] x = grid(-20f, 20f, 400_001);
        float[] vt = vectorised(x, FastMath::tanh);
        float[] vs = vectorised(x, FastMath::sigmoid);
        for (int i = 0; i < x.length; i++) {
            double t = StrictMath.tanh(x[i]);
            double s = 1 / (1 + StrictMath.exp(-(double) x[i]));
            assertThat((double) FastMath.tanh(x[i])).as("tanh(%s)", x[i]).isCloseTo(t, org.assertj.core.data.Offset.offset(1e-6 * Math.abs(t) + 1e-30));
            assertThat((double) FastMath.sigmoid(x[i])).as("sigmoid(%s)", x[i]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-6 * s + 1e-30));
            assertThat(vt[i]).isEqualTo(FastMath.tanh(x[i]));
            assertThat(vs[i]).isEqualTo(FastMath.sigmoid(x[i]));
        }
        assertThat(FastMath.tanh(-0f)).isEqualTo(-0f);
        assertThat(FastMath.tanh(Float.POSITIVE_INFINITY)).isEqualTo(1f);
        assertThat(FastMath.tanh(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
        assertThat(FastMath.sigmoid(-1000f)).isEqualTo(0f);
        assertThat(FastMath.sigmoid(1000f)).isEqualTo(1f);
    }
}
