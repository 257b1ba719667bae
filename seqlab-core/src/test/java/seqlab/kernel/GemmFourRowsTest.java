package seqlab.kernel;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 4-row micro-kernel, which machines with 256-bit vectors use, checked on any machine: a
 * child JVM started with {@code -Dseqlab.gemm.rows=4} runs {@link #main} against the reference loop.
 */
class GemmFourRowsTest {

    @Test
    void fourRowKernelMatchesReference() throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dseqlab.gemm.rows=4", "-cp", System.getProperty("java.class.path"),
                GemmFourRowsTest.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("MR=4").contains("checked");
    }

    /** Compares fast and reference GEMM over many shapes; exit 1 with the first mismatch. */
    public static void main(String[] args) {
        SplittableRandom rnd = new SplittableRandom(5);
        int[] sizes = {0, 1, 3, 4, 5, 7, 13, 33, 70};
        int checked = 0;
        for (int m : sizes) {
            for (int n : sizes) {
                for (int k : new int[] {1, 9, 300}) {
                    for (int v = 0; v < 4; v++) {
                        boolean ta = (v & 1) != 0;
                        boolean tb = (v & 2) != 0;
                        float[] a = KernelTesting.random(rnd, Math.max(1, m * k), 1f);
                        float[] b = KernelTesting.random(rnd, Math.max(1, n * k), 1f);
                        float[] want = new float[Math.max(1, m * n)];
                        float[] got = new float[Math.max(1, m * n)];
                        int lda = ta ? Math.max(m, 1) : k;
                        int ldb = tb ? k : Math.max(n, 1);
                        Gemm.reference(ta, tb, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 0f, want, 0, Math.max(n, 1));
                        Gemm.sgemm(ta, tb, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 0f, got, 0, Math.max(n, 1));
                        for (int i = 0; i < want.length; i++) {
                            if (Math.abs(want[i] - got[i]) > 1e-4 * Math.sqrt(k) + 1e-5 * Math.abs(want[i])) {
                                System.out.printf("mismatch M=%d N=%d K=%d ta=%b tb=%b at %d: %g vs %g%n", m, n, k, ta, tb, i, want[i], got[i]);
                                System.exit(1);
                            }
                        }
                        checked++;
                    }
                }
            }
        }
        System.out.println("MR=" + Gemm.MR + ", checked " + checked + " products");
        System.exit(Gemm.MR == 4 ? 0 : 2);
    }
}
