package seqlab.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** GELU's two forms against their formulas, and their derivatives against central differences. */
class GeluTest {

    /** erf(z) by its Taylor series in double: 2/√π Σ (−1)ⁿ z^{2n+1} / (n! (2n+1)). */
    private static double erfSeries(double z) {
        double sum = 0;
        double term = z;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -z * z / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Test
    void exactFormIsXTimesTheNormalCdf() {
        for (double x = -6; x <= 6; x += 0.01) {
            double want = x * 0.5 * (1 + erfSeries(x / Math.sqrt(2)));
            float[] y = new float[1];
            Gelu.forward(1, false, new float[] {(float) x}, 0, y, 0);
            assertThat((double) y[0]).as("GELU(%.2f)", x).isCloseTo(want, within(2e-7 * Math.max(1, Math.abs(want)) + 1e-9));
        }
    }

    @Test
    void tanhFormIsGpt2sGeluNew() {
        for (double x = -6; x <= 6; x += 0.05) {
            double want = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            float[] y = new float[1];
            Gelu.forward(1, true, new float[] {(float) x}, 0, y, 0);
            assertThat((double) y[0]).isCloseTo(want, within(1e-6));
        }
    }

    @Test
    void derivativesMatchCentralDifferences() {
        for (boolean tanh : new boolean[] {false, true}) {
            for (double x = -5; x <= 5; x += 0.1) {
                float[] dx = new float[1];
                Gelu.backward(1, tanh, new float[] {(float) x}, 0, new float[] {1f}, 0, dx, 0);
                double h = 1e-4;
                double fd = (value(x + h, tanh) - value(x - h, tanh)) / (2 * h);
                assertThat((double) dx[0]).as("GELU'(%.1f), tanh %s", x, tanh).isCloseTo(fd, within(1e-5));
            }
        }
    }

    private static double value(double x, boolean tanh) {
        return tanh ? 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))
                : x * Gelu.cdf(x);
    }
}
