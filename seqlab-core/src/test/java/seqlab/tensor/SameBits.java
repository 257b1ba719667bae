package seqlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import seqlab.kernel.Parallel;

/**
 * Checks that an op that splits its work over the thread pool gives the same bits, output and
 * every input gradient, on one thread and on several. Leaves the pool at 2 threads.
 */
final class SameBits {

    private SameBits() {}

    /** Random inputs of the given shapes, the op, and backward from a fixed random projection of its output. */
    static void assertForAnyThreadCount(int[][] shapes, Function<Tensor[], Tensor> op) {
        try {
            List<float[]> one = run(1, shapes, op);
            for (int threads : new int[] {2, 3}) {
                List<float[]> many = run(threads, shapes, op);
                for (int i = 0; i < one.size(); i++) {
                    assertThat(many.get(i)).as("%s with %d threads", i == 0 ? "output" : "gradient of input " + (i - 1), threads)
                            .isEqualTo(one.get(i));
                }
            }
        } finally {
            Parallel.setThreads(2);
        }
    }

    private static List<float[]> run(int threads, int[][] shapes, Function<Tensor[], Tensor> op) {
        Parallel.setThreads(threads);
        Rng rng = new Rng(11);
        Tensor[] in = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            in[i] = GradcheckTest.param(rng, 1f, shapes[i]);
        }
        Tensor out = op.apply(in);
        float[] w = new float[out.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.uniform(-1f, 1f);
        }
        LinearOps.dot(out, w).backward();
        List<float[]> all = new ArrayList<>();
        all.add(out.data().clone());
        for (Tensor t : in) {
            all.add(t.grad().clone());
        }
        return all;
    }
}
