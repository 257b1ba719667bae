package seqlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cross-entropy splits its rows over the thread pool when large: same loss and gradient bits for any thread count. */
class CrossEntropyTest {

    @ParameterizedTest(name = "N={0} V={1}")
    @CsvSource({"3, 5", "37, 1001", "1, 5000", "64, 7"})
    void sameBitsForAnyThreadCount(int n, int v) {
        int[] targets = new int[n];
        Rng rng = new Rng(n * 7L + v);
        for (int i = 0; i < n; i++) {
            targets[i] = i % 5 == 4 ? -100 : rng.nextInt(v);     // every fifth row ignored
        }
        SameBits.assertForAnyThreadCount(new int[][] {{n, v}}, t -> CrossEntropy.mean(t[0], targets, -100));
    }

    @ParameterizedTest(name = "N={0} V={1}")
    @CsvSource({"3, 5", "37, 1001"})
    void gradientIsSoftmaxMinusOneHotOverN(int n, int v) {
        Rng rng = new Rng(5);
        Tensor z = GradcheckTest.param(rng, 3f, n, v);
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            targets[i] = rng.nextInt(v);
        }
        CrossEntropy.mean(z, targets, -100).backward();
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, z.data()[i * v + j]);
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(z.data()[i * v + j] - max);
            }
            for (int j = 0; j < v; j++) {
                double want = (Math.exp(z.data()[i * v + j] - max) / sum - (j == targets[i] ? 1 : 0)) / n;
                assertThat((double) z.grad()[i * v + j]).as("row %d col %d", i, j).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }
}
