package seqlab.decode;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import seqlab.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sampling against a reference written as Hugging Face's warpers are (temperature, then top-k
 * removing scores below the k-th, then top-p on the softmax of what is left, sorted ascending,
 * removing cumulative probabilities at or below 1 − p): what is drawn is always in the kept set, and
 * the draws' frequencies match the kept tokens' renormalised probabilities.
 */
class SamplerTest {

    /** The distribution Hugging Face's warpers leave: softmax of the filtered scores (0 where removed). */
    static double[] reference(float[] z, float temperature, int topK, float topP) {
        int n = z.length;
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = z[i] / (double) temperature;
        }
        if (topK > 0 && topK < n) {
            double[] sorted = s.clone();
            Arrays.sort(sorted);
            double kth = sorted[n - topK];
            for (int i = 0; i < n; i++) {
                if (s[i] < kth) {
                    s[i] = Double.NEGATIVE_INFINITY;
                }
            }
        }
        double[] p = softmax(s);
        if (topP < 1f) {
            Integer[] asc = new Integer[n];
            for (int i = 0; i < n; i++) {
                asc[i] = i;
            }
            Arrays.sort(asc, (a, b) -> Double.compare(s[a], s[b]));
            double cum = 0;
            for (int r = 0; r < n - 1; r++) {                   // the largest always stays
                cum += p[asc[r]];
                if (cum <= 1 - topP) {
                    s[asc[r]] = Double.NEGATIVE_INFINITY;
                }
            }
            p = softmax(s);
        }
        return p;
    }

    static double[] softmax(double[] s) {
        double max = Arrays.stream(s).max().orElseThrow();
        double[] p = new double[s.length];
        double sum = 0;
        for (int i = 0; i < s.length; i++) {
            p[i] = Math.exp(s[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < s.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Draws many tokens and checks each is allowed and each frequency is within 5 standard errors. */
    static void assertDrawsFollow(float[] z, SamplingConfig cfg, double[] expected, int draws, long seed) {
        Rng rng = new Rng(seed);
        int[] counts = new int[z.length];
        for (int d = 0; d < draws; d++) {
            int t = Sampler.sample(z, 0, z.length, cfg, rng);
            assertThat(expected[t]).as("token %d drawn with %s", t, cfg).isGreaterThan(0);
            counts[t]++;
        }
        for (int i = 0; i < z.length; i++) {
            double f = counts[i] / (double) draws;
            double se = Math.sqrt(expected[i] * (1 - expected[i]) / draws);
            assertThat(f).as("frequency of token %d with %s", i, cfg).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(5 * se + 1e-9));
        }
    }

    static Stream<Arguments> configs() {
        Stream.Builder<Arguments> out = Stream.builder();
        for (int n : new int[] {1, 2, 7, 65}) {
            for (float t : new float[] {0.5f, 1f, 2f}) {
                for (int k : new int[] {0, 2, 5, 65}) {
                    for (float p : new float[] {0.3f, 0.8f, 1f}) {
                        out.add(Arguments.of(n, t, k, p));
                    }
                }
            }
        }
        return out.build();
    }

    @ParameterizedTest(name = "n={0} T={1} k={2} p={3}")
    @MethodSource("configs")
    void drawsFollowTheWarpedDistribution(int n, float temperature, int topK, float topP) {
        Rng rng = new Rng(31L * n + topK);
        float[] z = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = (float) (2.5 * rng.nextGaussian());
        }
        SamplingConfig cfg = new SamplingConfig(temperature, topK, topP);
        if (cfg.isGreedy()) {
            return;
        }
        assertDrawsFollow(z, cfg, reference(z, temperature, topK, topP), 20_000, 7L * n + 3);
    }

    @Test
    void topPWithTopKIsTakenOverTheTopKRenormalised() {
        float[] z = logitsOf(0.4, 0.3, 0.2, 0.1);
        // Over the top 2 renormalised, 0.4 / 0.7 = 0.57 reaches 0.5 alone; over the full softmax it
        // would take 0.4 + 0.3 (both tokens).
        SamplingConfig cfg = new SamplingConfig(1f, 2, 0.5f);
        assertThat(reference(z, 1f, 2, 0.5f)).containsExactly(new double[] {1, 0, 0, 0}, org.assertj.core.data.Offset.offset(1e-12));
        assertDrawsFollow(z, cfg, reference(z, 1f, 2, 0.5f), 2_000, 5);
        // top-p alone keeps the two tokens that reach 0.5 together: 0.4 / 0.7 and 0.3 / 0.7
        assertDrawsFollow(z, new SamplingConfig(1f, 0, 0.5f), new double[] {4 / 7.0, 3 / 7.0, 0, 0}, 20_000, 6);
    }

    @Test
    void tokensTiedWithTheKthAreKept() {
        float[] z = {2f, 1f, 1f, 0f, 1f};
        assertDrawsFollow(z, new SamplingConfig(1f, 2, 1f), reference(z, 1f, 2, 1f), 20_000, 9);
        assertThat(reference(z, 1f, 2, 1f)[4]).isGreaterThan(0);
    }

    @Test
    void maskedTokensAreNeverDrawnAndSignsOrderAsNumbers() {
        float[] z = {Float.NEGATIVE_INFINITY, -3f, -0f, 0f, -1e-30f, 1e-30f, Float.NEGATIVE_INFINITY, -70f};
        assertDrawsFollow(z, new SamplingConfig(1f, 0, 1f), reference(z, 1f, 0, 1f), 20_000, 11);
        assertDrawsFollow(z, new SamplingConfig(1f, 3, 1f), reference(z, 1f, 3, 1f), 20_000, 12);
    }

    @Test
    void topKOfOneAndTemperatureZeroTakeTheArgmax() {
        Rng rng = new Rng(2);
        float[] z = {0.1f, 3f, 3f, -2f};
        assertThat(Sampler.sample(z, 0, 4, new SamplingConfig(0f, 0, 1f), rng)).isEqualTo(1);
        assertThat(Sampler.sample(z, 0, 4, new SamplingConfig(1.5f, 1, 0.9f), rng)).isEqualTo(1);
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        float[] z = {0.3f, -1f, 2f, 0.5f, 1f, 0f};
        SamplingConfig cfg = new SamplingConfig(0.8f, 4, 0.95f);
        Rng a = new Rng(77);
        Rng b = new Rng(77);
        for (int i = 0; i < 200; i++) {
            assertThat(Sampler.sample(z, 0, z.length, cfg, a)).isEqualTo(Sampler.sample(z, 0, z.length, cfg, b));
        }
    }

    @Test
    void aRowIsReadAtItsOffset() {
        float[] rows = {9f, 9f, 9f, 0.5f, -1f, 2f, 0f, 9f};                // the row is [3, 7): 0.5, -1, 2, 0
        float[] row = Arrays.copyOfRange(rows, 3, 7);
        for (SamplingConfig cfg : new SamplingConfig[] {new SamplingConfig(1f, 0, 1f), new SamplingConfig(0.7f, 3, 0.9f)}) {
            double[] expected = reference(row, cfg.temperature(), cfg.topK(), cfg.topP());
            Rng rng = new Rng(4);
            int[] counts = new int[4];
            int draws = 20_000;
            for (int d = 0; d < draws; d++) {
                counts[Sampler.sample(rows, 3, 4, cfg, rng)]++;                  // an index into the row, not into the array
            }
            for (int i = 0; i < 4; i++) {
                double se = Math.sqrt(expected[i] * (1 - expected[i]) / draws);
                assertThat(counts[i] / (double) draws).as("token %d with %s", i, cfg).isCloseTo(expected[i],
                        org.assertj.core.data.Offset.offset(5 * se + 1e-9));
            }
        }
        assertThat(Sampler.sample(rows, 3, 4, new SamplingConfig(0f, 0, 1f), new Rng(1))).isEqualTo(2);
    }

    @Test
    void tiesAreOrderedByIndexWhateverTheSignOfZero() {
        float[] z = {-0f, 0f, -0f, 0f};                                        // equal: top-k 2 keeps them all (tied with the 2nd)
        assertDrawsFollow(z, new SamplingConfig(1f, 2, 1f), new double[] {0.25, 0.25, 0.25, 0.25}, 20_000, 13);
        // top-p 0.5 keeps the smallest set reaching it in rank order, ties ranked by index: tokens 0 and 1
        assertDrawsFollow(z, new SamplingConfig(1f, 0, 0.5f), new double[] {0.5, 0.5, 0, 0}, 20_000, 14);
    }

    @Test
    void logitsThatAreNotFiniteAreRefused() {
        float inf = Float.POSITIVE_INFINITY;
        for (float[] z : new float[][] {{0f, Float.NaN, 1f}, {0f, inf, 1f}, {-inf, -inf, -inf}}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sampler.sample(z, 0, 3, new SamplingConfig(1f, 0, 1f), new Rng(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the model's output is not finite");
        }
    }

    private static float[] logitsOf(double... p) {
        float[] z = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            z[i] = (float) Math.log(p[i]);
        }
        return z;
    }
}
