package seqlab.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import seqlab.kernel.Parallel;
import seqlab.nn.Linear;
import seqlab.nn.Parameter;
import seqlab.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;

/** AdamW splits each parameter's elements over the pool: the same bits for 1, 2 and 3 threads, Adam and AdamW. */
class AdamWThreadsTest {

    @AfterEach
    void restore() {
        Parallel.setThreads(2);
    }

    @Test
    void sameBitsForAnyThreadCount() {
        for (boolean decoupled : new boolean[] {true, false}) {
            List<float[]> first = null;
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                List<float[]> after = train(decoupled);
                if (first == null) {
                    first = after;
                } else {
                    for (int i = 0; i < first.size(); i++) {
                        assertThat(after.get(i)).as("decoupled %s, %d threads, parameter %d", decoupled, threads, i)
                                .isEqualTo(first.get(i));
                    }
                }
            }
        }
    }

    /** Three steps on a 300 × 257 layer (77,100 weights: split over the pool) with made-up gradients. */
    private static List<float[]> train(boolean decoupled) {
        Linear layer = new Linear(257, 300, true, new Rng(5));
        List<Parameter> params = layer.parameters();
        AdamW opt = new AdamW(params, 0.9, 0.99, 1e-8, 0.1f, decoupled, false);
        SplittableRandom rnd = new SplittableRandom(9);
        for (int step = 0; step < 3; step++) {
            for (Parameter p : params) {
                float[] g = p.tensor().grad();
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) rnd.nextDouble(-1, 1);
                }
            }
            opt.step(1e-2f);
        }
        List<float[]> out = new ArrayList<>();
        for (Parameter p : params) {
            out.add(p.data().clone());
        }
        return out;
    }
}
