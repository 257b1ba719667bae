package seqlab.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The vector, row-parallel layer norm against the plain loops, and the same bits for any thread count. */
class LayerNormKernelTest {

    @AfterEach
    void restore() {
        Parallel.setThreads(2);
    }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (int rows : new int[] {0, 1, 3, 31, 32, 33, 100}) {
            for (int n : new int[] {0, 1, 3, 4, 5, 7, 8, 9, 17, 256, 1000}) {
                if ((long) rows * n <= 40_000) {
                    out.add(Arguments.of(rows, n));
                }
            }
        }
        out.add(Arguments.of(2048, 36));                // above the work threshold: split over threads
        return out.stream();
    }

    @ParameterizedTest(name = "rows={0} n={1}")
    @MethodSource("shapes")
    void matchesThePlainLoopsWithTheSameBitsForAnyThreadCount(int rows, int n) {
        SplittableRandom rnd = new SplittableRandom(31L * rows + n);
        float[] x = KernelTesting.random(rnd, rows * n, 3f);
        for (int i = 0; i < x.length; i += 7) {
            x[i] += 5f;                                  // rows with a mean far from 0
        }
        float[] gamma = KernelTesting.random(rnd, n, 1f);
        float[] beta = KernelTesting.random(rnd, n, 1f);
        float[] dy = KernelTesting.random(rnd, rows * n, 1f);
        float[] dx0 = KernelTesting.random(rnd, rows * n, 1f);
        float[] dg0 = KernelTesting.random(rnd, n, 1f);
        float[] db0 = KernelTesting.random(rnd, n, 1f);
        for (int variant = 0; variant < 4; variant++) {                // γ and β, neither, β alone, γ alone (F.layer_norm's weight=, bias=)
            boolean affine = variant == 0 || variant == 3;
            float[] g = affine ? gamma : null;
            float[] b = variant == 1 || variant == 3 ? null : beta;
            float[] wantY = new float[rows * n];
            float[] wantMean = new float[rows];
            float[] wantRstd = new float[rows];
            LayerNormKernel.reference(rows, n, 1e-5f, x, g, b, wantY, wantMean, wantRstd);
            float[] wantDx = dx0.clone();
            float[] wantDg = dg0.clone();
            float[] wantDb = db0.clone();
            LayerNormKernel.referenceBackward(rows, n, x, g, wantMean, wantRstd, dy, wantDx, affine ? wantDg : null, b != null ? wantDb : null);
            float[][] first = null;
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                float[] y = new float[rows * n];
                float[] mean = new float[rows];
                float[] rstd = new float[rows];
                LayerNormKernel.forward(rows, n, 1e-5f, x, g, b, y, mean, rstd);
                float[] dx = dx0.clone();
                float[] dg = dg0.clone();
                float[] db = db0.clone();
                LayerNormKernel.backward(rows, n, x, g, mean, rstd, dy, dx, affine ? dg : null, b != null ? db : null);
                String what = "rows " + rows + ", n " + n + ", variant " + variant + ", " + threads + " threads: ";
                KernelTesting.assertClose(what + "y", wantY, y, 2e-6, 2e-6);
                KernelTesting.assertClose(what + "mean", wantMean, mean, 1e-6, 1e-6);
                KernelTesting.assertClose(what + "rstd", wantRstd, rstd, 1e-6, 1e-6);
                KernelTesting.assertClose(what + "dx", wantDx, dx, 1e-5, 1e-5);
                KernelTesting.assertClose(what + "dgamma", wantDg, dg, 1e-5 * Math.sqrt(rows + 1), 1e-5);
                KernelTesting.assertClose(what + "dbeta", wantDb, db, 1e-5 * Math.sqrt(rows + 1), 1e-5);
                if (!affine) {
                    assertThat(dg).as(what + "dgamma untouched").isEqualTo(dg0);
                }
                if (b == null) {
                    assertThat(db).as(what + "dbeta untouched").isEqualTo(db0);
                }
                float[][] got = {y, mean, rstd, dx, dg, db};
                if (first == null) {
                    first = got;
                } else {
                    for (int i = 0; i < got.length; i++) {
                        assertThat(got[i]).as(what + "same bits as 1 thread, output " + i).isEqualTo(first[i]);
                    }
                }
            }
        }
    }

    /**
     * The row sums are in a fixed order (lane l over j ≡ l mod L, the lanes in order, then the tail),
     * the same before and after the JIT compiles the kernel: rows whose lanes cancel (±2^54 beside
     * ones) give a different mean for almost any other order, such as a reduction tree's.
     */
    @ParameterizedTest(name = "tail {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 3})
    void sumsInTheSameOrderBeforeAndAfterCompilation(int tail) {
        int lanes = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length();
        int n = lanes + tail;
        int rows = 64;
        float big = 0x1p54f;
        SplittableRandom rnd = new SplittableRandom(5 + tail);
        float[] x = new float[rows * n];
        float[] want = new float[rows];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                int pick = rnd.nextInt(4);
                x[r * n + j] = pick == 0 ? big : pick == 1 ? -big : pick == 2 ? 1f : 3f;
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {                               // n < 2·lanes: lane l holds x[l] alone
                sum += x[r * n + j];
            }
            want[r] = (float) (sum / n);
        }
        float[] y = new float[rows * n];
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        for (int rep = 0; rep < 3000; rep++) {                         // interpreted, then compiled
            LayerNormKernel.forward(rows, n, 1e-5f, x, null, null, y, mean, rstd);
            assertThat(mean).as("rep " + rep).containsExactly(want);
        }
    }
}
