package seqlab.kernel;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The vectorised element-wise kernels against plain loops, on sizes that hit the vector tails. */
class VecTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 33, 256, 1000})
    void dotMatchesADoubleLoop(int n) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] x = KernelTesting.random(rnd, n + 3, 2f);
        float[] y = KernelTesting.random(rnd, n + 5, 2f);
        double want = 0;
        double scale = 0;
        for (int i = 0; i < n; i++) {
            want += (double) x[3 + i] * y[5 + i];
            scale += Math.abs((double) x[3 + i] * y[5 + i]);
        }
        assertThat((double) Vec.dot(n, x, 3, y, 5)).isCloseTo(want, within(1e-6 * scale + 1e-7));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 33, 256, 1000})
    void dotSumsInOneFixedOrder(int n) {
        // lane l accumulates x[i]·y[i] for i ≡ l (mod L) by fused multiply-adds; the lanes are added
        // in lane order; the tail follows in index order. The same bits however the code runs.
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        SplittableRandom rnd = new SplittableRandom(100 + n);
        float[] x = KernelTesting.random(rnd, n, 3f);
        float[] y = KernelTesting.random(rnd, n, 3f);
        int body = n / lanes * lanes;
        float[] acc = new float[lanes];
        for (int i = 0; i < body; i++) {
            acc[i % lanes] = Math.fma(x[i], y[i], acc[i % lanes]);
        }
        float want = 0f;
        for (float a : acc) {
            want += a;
        }
        for (int i = body; i < n; i++) {
            want = Math.fma(x[i], y[i], want);
        }
        for (int rep = 0; rep < 3000; rep++) {                 // before and after the JIT compiles it
            assertThat(Vec.dot(n, x, 0, y, 0)).isEqualTo(want);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 17, 33, 257})
    void axpyAddAndScaleMatchPlainLoops(int n) {
        SplittableRandom rnd = new SplittableRandom(n + 100);
        float[] x = KernelTesting.random(rnd, n, 1f);
        float[] y = KernelTesting.random(rnd, n, 1f);
        float[] want = y.clone();
        for (int i = 0; i < n; i++) {
            want[i] = Math.fma(x[i], 0.75f, want[i]);
        }
        float[] got = y.clone();
        Vec.axpy(n, 0.75f, x, 0, got, 0);
        assertThat(got).containsExactly(want);
        float[] sum = y.clone();
        Vec.add(n, x, 0, sum, 0);
        for (int i = 0; i < n; i++) {
            assertThat(sum[i]).isEqualTo(y[i] + x[i]);
        }
    }

    /** Bias add and bias gradient split over the pool (rows, then columns): exactly the plain loops, for 1 to 3 threads. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"0,5", "1,1", "3,17", "300,257", "2048,33"})
    void addBiasAndAddRowsMatchPlainLoopsOnAnyThreadCount(int rows, int n) {
        SplittableRandom rnd = new SplittableRandom(31L * rows + n);
        float[] x = KernelTesting.random(rnd, rows * n, 1f);
        float[] b = KernelTesting.random(rnd, n, 1f);
        float[] wantY = x.clone();
        float[] wantB = b.clone();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                wantY[r * n + j] += b[j];
                wantB[j] += x[r * n + j];
            }
        }
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                float[] y = x.clone();
                Vec.addBias(rows, n, b, 0, y, 0);
                assertThat(y).as("addBias, %d threads", threads).containsExactly(wantY);
                float[] sum = b.clone();
                Vec.addRows(rows, n, x, 0, sum, 0);
                assertThat(sum).as("addRows, %d threads", threads).containsExactly(wantB);
            }
        } finally {
            Parallel.setThreads(2);
        }
    }

    /** zero clears every element, also when split over the pool (sizes past the split threshold, odd tails). */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 33, 524_289, 1_000_003})
    void zeroClearsEveryElementOnAnyThreadCount(int n) {
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                float[] x = KernelTesting.random(new SplittableRandom(n), n, 1f);
                Vec.zero(x);
                assertThat(x).as("%d threads", threads).isEqualTo(new float[n]);
            }
        } finally {
            Parallel.setThreads(2);
        }
    }
}
