package seqlab.kernel;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both micro-kernels — 4 rows (256-bit vectors) and 8 (512-bit) — checked on any machine, and
 * the scalar packing loops that replace the register transposes on 128-bit machines: a child JVM
 * started with {@code -Dseqlab.gemm.rows=4} or {@code 8} (and {@code -Dseqlab.gemm.transposes})
 * runs {@link #main} against the reference loop. The vector width itself is the machine's: the
 * 512-bit layout (N_R = 32, four 8 × 8 blocks per sliver) runs only on an AVX-512 machine.
 */
class GemmKernelsTest {

    @org.junit.jupiter.params.ParameterizedTest(name = "M_R = {0}, register transposes {1}")
    @org.junit.jupiter.params.provider.CsvSource({"4,true", "8,true", "4,false"})
    void eitherKernelMatchesReference(int rows, boolean transposes) throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dseqlab.gemm.rows=" + rows, "-Dseqlab.gemm.transposes=" + transposes,
                "-cp", System.getProperty("java.class.path"),
                GemmKernelsTest.class.getName(), String.valueOf(rows))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("MR=" + rows).contains("transposes=" + transposes).contains("checked");
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
        for (int[] shape : new int[][] {{9, 17, 8}, {8, 16, 300}, {70, 33, 263}, {4, 16, 7}, {13, 40, 17}, {300, 33, 263}, {700, 20, 70}}) {
            String wrong = KernelTesting.layoutsAgree(rnd, shape[0], shape[1], shape[2]);
            if (wrong != null) {
                System.out.println("layouts disagree: " + wrong);
                System.exit(1);
            }
            checked++;
        }
        System.out.println("MR=" + Gemm.MR + ", transposes=" + Gemm.REGISTER_TRANSPOSES + ", checked " + checked + " products");
        System.exit(Gemm.MR == Integer.parseInt(args[0]) ? 0 : 2);
    }
}
