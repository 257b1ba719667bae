package seqlab.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GemmTest {

    @AfterEach
    void restore() {
        Parallel.setThreads(2);
        Gemm.useReference(false);
    }

    static Stream<Arguments> shapes() {
        int[] sizes = {0, 1, 2, 5, 6, 7, 15, 16, 17, 31, 32, 33, 97};
        List<Arguments> out = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int m : sizes) {
            for (int n : sizes) {
                int k = sizes[rnd.nextInt(sizes.length)];
                out.add(Arguments.of(m, n, k));
            }
        }
        // one row (a decoding step's dot products), wide and deep
        out.add(Arguments.of(1, 3001, 770));
        out.add(Arguments.of(1, 9, 1031));
        // blocks larger than one K_C / M_C / N_C panel
        out.add(Arguments.of(200, 1100, 300));
        out.add(Arguments.of(32, 2048, 512));
        out.add(Arguments.of(130, 70, 520));
        return out.stream();
    }

    @ParameterizedTest(name = "M={0} N={1} K={2}")
    @MethodSource("shapes")
    void fastMatchesReferenceForEveryTransposeAndScale(int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 17L * n + k);
        for (int variant = 0; variant < 4; variant++) {
            boolean ta = (variant & 1) != 0;
            boolean tb = (variant & 2) != 0;
            int lda = (ta ? m : k) + 3;   // padded leading dimensions
            int ldb = (tb ? k : n) + 1;
            int ldc = n + 2;
            float[] a = KernelTesting.random(rnd, 5 + (ta ? k : m) * lda, 1f);
            float[] b = KernelTesting.random(rnd, 2 + (tb ? n : k) * ldb, 1f);
            float[] c0 = KernelTesting.random(rnd, 4 + m * ldc, 1f);
            for (float[] ab : new float[][] {{1f, 0f}, {0.5f, 1f}, {-2f, 0.25f}}) {
                float[] want = c0.clone();
                float[] got = c0.clone();
                Gemm.reference(ta, tb, m, n, k, ab[0], a, 5, lda, b, 2, ldb, ab[1], want, 4, ldc);
                Gemm.sgemm(ta, tb, m, n, k, ab[0], a, 5, lda, b, 2, ldb, ab[1], got, 4, ldc);
                KernelTesting.assertClose("gemm ta=" + ta + " tb=" + tb + " alpha=" + ab[0] + " beta=" + ab[1],
                        want, got, 1e-5 * Math.sqrt(k + 1), 1e-5);
            }
        }
    }

    @ParameterizedTest(name = "M={0} N={1} K={2}")
    @MethodSource("shapes")
    void prePackedBMatchesReference(int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(7L * m + 3L * n + k);
        for (boolean tb : new boolean[] {false, true}) {
            int ldb = (tb ? k : n) + 2;
            float[] a = KernelTesting.random(rnd, Math.max(1, m * k), 1f);
            float[] b = KernelTesting.random(rnd, Math.max(1, (tb ? n : k) * ldb), 1f);
            float[] c0 = KernelTesting.random(rnd, Math.max(1, m * n), 1f);
            Gemm.PackedB pb = Gemm.pack(tb, k, n, b, 0, ldb);
            for (float[] ab : new float[][] {{1f, 0f}, {0.5f, 1f}}) {
                float[] want = c0.clone();
                float[] got = c0.clone();
                float[] again = c0.clone();
                Gemm.reference(false, tb, m, n, k, ab[0], a, 0, Math.max(k, 1), b, 0, ldb, ab[1], want, 0, Math.max(n, 1));
                Gemm.sgemm(false, m, ab[0], a, 0, Math.max(k, 1), pb, ab[1], got, 0, Math.max(n, 1));
                Gemm.sgemm(false, tb, m, n, k, ab[0], a, 0, Math.max(k, 1), b, 0, ldb, ab[1], again, 0, Math.max(n, 1));
                KernelTesting.assertClose("packed gemm tb=" + tb, want, got, 1e-5 * Math.sqrt(k + 1), 1e-5);
                assertThat(got).as("packed and unpacked give the same bits").isEqualTo(again);
            }
        }
    }

    @Test
    void knownSmallProduct() {
        float[] a = {1, 2, 3, 4, 5, 6};          // (2, 3)
        float[] b = {7, 8, 9, 10, 11, 12};       // (3, 2)
        float[] c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
        assertThat(c).containsExactly(58, 64, 139, 154);
    }

    @Test
    void betaZeroIgnoresNaNInOutput() {
        float[] a = {1, 2};
        float[] b = {3, 4};
        float[] c = {Float.NaN};
        Gemm.sgemm(false, true, 1, 1, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 1);
        assertThat(c[0]).isEqualTo(11f);
        // whole register tiles, edge tiles and two K blocks: the first block stores, the next adds
        for (int[] mnk : new int[][] {{16, 64, 300}, {13, 37, 257}, {8, 32, 1}}) {
            int m = mnk[0], n = mnk[1], k = mnk[2];
            SplittableRandom rnd = new SplittableRandom(m + n + k);
            float[] x = KernelTesting.random(rnd, m * k, 1f);
            float[] y = KernelTesting.random(rnd, k * n, 1f);
            float[] want = new float[m * n];
            float[] got = new float[m * n];
            java.util.Arrays.fill(got, Float.NaN);
            Gemm.reference(false, false, m, n, k, 1f, x, 0, k, y, 0, n, 0f, want, 0, n);
            Gemm.sgemm(false, false, m, n, k, 1f, x, 0, k, y, 0, n, 0f, got, 0, n);
            KernelTesting.assertClose("beta 0 over NaN, " + m + "x" + n + "x" + k, want, got, 1e-5 * Math.sqrt(k + 1), 1e-5);
        }
    }

    @Test
    void sameBitsForOneAndTwoThreads() {
        SplittableRandom rnd = new SplittableRandom(3);
        int m = 257, n = 513, k = 300;
        float[] a = KernelTesting.random(rnd, m * k, 1f);
        float[] b = KernelTesting.random(rnd, k * n, 1f);
        float[] c1 = new float[m * n];
        float[] c2 = new float[m * n];
        Parallel.setThreads(1);
        Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c1, 0, n);
        Parallel.setThreads(2);
        Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c2, 0, n);
        assertThat(c2).isEqualTo(c1);
        // tall and skinny: the partition is over rows
        float[] d1 = new float[m * 3];
        float[] d2 = new float[m * 3];
        Parallel.setThreads(1);
        Gemm.sgemm(false, true, m, 3, k, 1f, a, 0, k, b, 0, k, 0f, d1, 0, 3);
        Parallel.setThreads(2);
        Gemm.sgemm(false, true, m, 3, k, 1f, a, 0, k, b, 0, k, 0f, d2, 0, 3);
        assertThat(d2).isEqualTo(d1);
    }

    /**
     * Rows split over the threads: blocks of M_C rows in contiguous shares whose last blocks go to
     * whichever thread is free, op(B) packed once and shared (611 × 67: many blocks), or whole
     * tiles by a fixed partition (100 × 12: too few blocks; B still packed once), with or without
     * a pre-packed B; the same bits for 1, 2 and 3 threads, with β = 0 (the first K block stores)
     * and β = 1 (every block adds).
     */
    @ParameterizedTest(name = "transA {0}, transB {1}, M={2} N={3}, pre-packed {4}")
    @org.junit.jupiter.params.provider.CsvSource({
            "false,false,611,67,false", "true,false,611,67,false", "false,true,611,67,false", "true,true,611,67,false",
            "false,false,100,12,false", "true,true,100,12,false", "false,false,611,13,true", "false,true,611,13,true",
            "false,true,1,4097,false", "false,false,1,4097,false", "true,false,1,67,false", "false,true,1,4097,true", "false,false,1,67,true"})
    void sameBitsForAnyThreadCountWhenRowsAreSplit(boolean transA, boolean transB, int m, int n, boolean prePacked) {
        SplittableRandom rnd = new SplittableRandom(4);
        int k = 301;
        float[] a = KernelTesting.random(rnd, m * k, 1f);
        float[] b = KernelTesting.random(rnd, k * n, 1f);
        float[] c0 = KernelTesting.random(rnd, m * n, 1f);
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        int previous = Parallel.threads();
        try {
            for (float beta : new float[] {0f, 1f}) {
                float[] want = c0.clone();
                Gemm.reference(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, beta, want, 0, n);
                float[] first = null;
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.setThreads(threads);
                    float[] c = c0.clone();
                    if (prePacked) {
                        Gemm.sgemm(transA, m, 0.5f, a, 0, lda, Gemm.pack(transB, k, n, b, 0, ldb), beta, c, 0, n);
                    } else {
                        Gemm.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, beta, c, 0, n);
                    }
                    for (int i = 0; i < c.length; i++) {
                        assertThat(c[i]).isCloseTo(want[i], org.assertj.core.api.Assertions.within(2e-3f));
                    }
                    if (first == null) {
                        first = c;
                    } else {
                        assertThat(c).as("%d threads, beta %s", threads, beta).isEqualTo(first);
                    }
                }
            }
        } finally {
            Parallel.setThreads(previous);
        }
    }

    /**
     * Packing only moves (and scales) values, and every layout packs into the same slivers, so
     * A·B, Aᵀ stored and transposed back, and Bᵀ likewise give the same bits: a wrong lane in
     * one of the register transposes (4 × 8 and 8 × 8 blocks, with scalar tails) shows here.
     */
    @ParameterizedTest(name = "M={0} N={1} K={2}")
    @MethodSource("shapes")
    void everyLayoutGivesTheSameBits(int m, int n, int k) {
        assertThat(KernelTesting.layoutsAgree(new SplittableRandom(13L * m + 7L * n + k), m, n, k)).isNull();
    }

    @Test
    void rejectsBadArguments() {
        float[] x = new float[4];
        assertThatThrownBy(() -> Gemm.sgemm(false, false, -1, 1, 1, 1f, x, 0, 1, x.clone(), 0, 1, 0f, new float[4], 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("M=-1");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 2, 1f, x, 0, 1, x.clone(), 0, 2, 0f, new float[4], 0, 2))
                .hasMessageContaining("leading dimension of A");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 3, 1f, x, 0, 3, x.clone(), 0, 2, 0f, new float[4], 0, 2))
                .hasMessageContaining("needs 6 elements");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 2, 1f, x, 0, 2, x.clone(), 0, 2, 0f, x, 0, 2))
                .hasMessageContaining("alias");
    }
}
