package seqlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import seqlab.kernel.Parallel;

/**
 * The attention ops split their batch rows over the thread pool when they are large: the output
 * and every gradient must be the same bits for one thread and for several.
 */
class AttentionOpsTest {

    @AfterEach
    void restore() {
        Parallel.setThreads(2);
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(3, 2, 5),        // small: always on the calling thread
                Arguments.of(5, 33, 260),     // large: rows on the pool, odd sizes for the vector tails
                Arguments.of(7, 65, 129),
                Arguments.of(1, 300, 120),    // one row: nothing to split
                Arguments.of(64, 32, 256));   // W4's attention
    }

    /** The output and the gradients of every input after backward from a fixed random projection. */
    private static List<float[]> run(int threads, int seed, int[][] shapes, Function<Tensor[], Tensor> op) {
        Parallel.setThreads(threads);
        Rng rng = new Rng(seed);
        Tensor[] in = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            in[i] = GradcheckTest.param(rng, 1f, shapes[i]);
        }
        Tensor out = op.apply(in);
        float[] w = new float[out.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.uniform(-1f, 1f);
        }
        Ops.dot(out, w).backward();
        List<float[]> all = new ArrayList<>();
        all.add(out.data().clone());
        for (Tensor t : in) {
            all.add(t.grad().clone());
        }
        return all;
    }

    private static void assertSameBits(int[][] shapes, Function<Tensor[], Tensor> op) {
        List<float[]> one = run(1, 11, shapes, op);
        for (int threads : new int[] {2, 3}) {
            List<float[]> many = run(threads, 11, shapes, op);
            for (int i = 0; i < one.size(); i++) {
                assertThat(many.get(i)).as("%s with %d threads", i == 0 ? "output" : "gradient of input " + (i - 1), threads)
                        .isEqualTo(one.get(i));
            }
        }
    }

    @ParameterizedTest(name = "B={0} S={1} H={2}")
    @MethodSource("shapes")
    void additiveScoresSameBitsForAnyThreadCount(int b, int s, int h) {
        assertSameBits(new int[][] {{b, s, h}, {b, h}, {1, h}}, t -> AttentionOps.additiveScores(t[0], t[1], t[2]));
    }

    @ParameterizedTest(name = "B={0} S={1} H={2}")
    @MethodSource("shapes")
    void weightedSumSameBitsForAnyThreadCount(int b, int s, int h) {
        assertSameBits(new int[][] {{b, s}, {b, s, h}}, t -> AttentionOps.weightedSum(t[0], t[1]));
    }

    @ParameterizedTest(name = "B={0} S={1} H={2}")
    @MethodSource("shapes")
    void dotScoresSameBitsForAnyThreadCount(int b, int s, int h) {
        assertSameBits(new int[][] {{b, h}, {b, s, h}}, t -> AttentionOps.dotScores(t[0], t[1]));
    }
}
