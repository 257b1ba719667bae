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

    @org.junit.jupiter.params.ParameterizedTest(name = "n = {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 3, 4, 5, 7, 8, 9, 17, 1000, 40_001})
    void vectorLoopsMatchTheScalarLoopForAnyThreadCount(int n) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(n);
        float[] x = new float[n + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 13) {
                case 0 -> 0f;
                case 1 -> -30f;
                case 2 -> 30f;
                case 3 -> Float.NaN;
                case 4 -> 1e20f;
                case 5 -> -1e20f;
                default -> (float) (rnd.nextDouble(-8, 8));
            };
        }
        float[] dy = KernelTesting.random(rnd, n + 3, 2f);
        int previous = Parallel.threads();
        try {
            for (boolean tanh : new boolean[] {false, true}) {
                float[] wantY = new float[n + 1];
                float[] wantDx = KernelTesting.random(new java.util.SplittableRandom(1), n + 1, 1f);
                float[] startDx = wantDx.clone();
                Gelu.reference(0, n, tanh, x, 3, wantY, 1);
                Gelu.referenceBackward(0, n, tanh, x, 3, dy, 2, wantDx, 1);
                float[] firstY = null;
                float[] firstDx = null;
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.setThreads(threads);
                    float[] y = new float[n + 1];
                    float[] dx = startDx.clone();
                    Gelu.forward(n, tanh, x, 3, y, 1);
                    Gelu.backward(n, tanh, x, 3, dy, 2, dx, 1);
                    for (int i = 0; i <= n; i++) {
                        assertThat(Float.isNaN(y[i])).as("NaN in, NaN out at %d", i).isEqualTo(Float.isNaN(wantY[i]));
                        assertThat(Float.isNaN(dx[i])).isEqualTo(Float.isNaN(wantDx[i]));
                        if (!Float.isNaN(wantY[i])) {
                            assertThat(y[i]).as("GELU, tanh %s, element %d of %d", tanh, i, n)
                                    .isCloseTo(wantY[i], within(1e-6f * Math.max(1, Math.abs(wantY[i]))));
                            assertThat(dx[i]).as("GELU', tanh %s, element %d of %d", tanh, i, n)
                                    .isCloseTo(wantDx[i], within(1e-6f * Math.max(1, Math.abs(wantDx[i]))));
                        }
                    }
                    if (firstY == null) {
                        firstY = y;
                        firstDx = dx;
                    } else {
                        assertThat(y).as("same bits for %d threads", threads).containsExactly(firstY);
                        assertThat(dx).as("same bits for %d threads", threads).containsExactly(firstDx);
                    }
                }
            }
        } finally {
            Parallel.setThreads(previous);
        }
    }

    @Test
    void refusesRangesOutsideItsArrays() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Gelu.forward(5, false, new float[4], 0, new float[5], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit");
    }

    private static double value(double x, boolean tanh) {
        return tanh ? 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))
                : x * Gelu.cdf(x);
    }
}
