package seqlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A recurrent scan's GEMMs split their tiles, and its W_hh packing its columns, over the thread
 * pool: the outputs and every gradient are the same bits for any thread count, with and without
 * padding, in both directions. (Values against PyTorch are checked by the layer tests.)
 */
class RecurrentScanTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> out = Stream.builder();
        for (CellType cell : new CellType[] {CellType.RNN_TANH, CellType.RNN_RELU, CellType.LSTM, CellType.GRU}) {
            out.add(Arguments.of(cell, 2, 3, 5, false, false));       // small: one thread
            out.add(Arguments.of(cell, 4, 37, 67, false, false));     // large, odd sizes
            out.add(Arguments.of(cell, 4, 37, 67, true, true));       // reversed and padded
            out.add(Arguments.of(cell, 3, 1, 300, false, false));     // one row
        }
        return out.build();
    }

    @ParameterizedTest(name = "{0} T={1} B={2} H={3} reverse={4} padded={5}")
    @MethodSource("cases")
    void sameBitsForAnyThreadCount(CellType cell, int steps, int batch, int hidden, boolean reverse, boolean padded) {
        int in = 9;
        int gh = cell.gates() * hidden;
        int[] lengths = null;
        if (padded) {
            lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                lengths[b] = 1 + b % steps;
            }
        }
        int[] lens = lengths;
        SameBits.assertForAnyThreadCount(new int[][] {{steps, batch, in}, {batch, hidden}, {batch, hidden}, {gh, in}, {gh, hidden}, {gh}, {gh}},
                t -> {
                    RecurrentScan.Result r = RecurrentScan.apply(cell, t[0], t[1], cell == CellType.LSTM ? t[2] : null,
                            t[3], t[4], t[5], t[6], reverse, lens);
                    Tensor all = ShapeOps.concatLast(ShapeOps.reshape(r.y(), 1, steps * batch * hidden), ShapeOps.reshape(r.h(), 1, batch * hidden));
                    return cell == CellType.LSTM ? ShapeOps.concatLast(all, ShapeOps.reshape(r.c(), 1, batch * hidden)) : all;   // y, h_T, c_T
                });
    }

    /**
     * A decoder runs the scan one step at a time with the same weights: with its weights packed
     * once in a {@link PackedWeights}, every output and gradient is the same bits as packing them
     * at every step.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void packedWeightsGiveTheSameBitsAsPackingPerStep(CellType cell) {
        List<float[]> perStep = stepByStep(cell, null);
        List<float[]> packed = stepByStep(cell, new PackedWeights());
        for (int i = 0; i < perStep.size(); i++) {
            assertThat(packed.get(i)).as("result %d", i).isEqualTo(perStep.get(i));
        }
    }

    static Stream<CellType> cells() {
        return Stream.of(CellType.RNN_TANH, CellType.LSTM, CellType.GRU);
    }

    private static List<float[]> stepByStep(CellType cell, PackedWeights packs) {
        int batch = 7;
        int in = 19;
        int hidden = 37;
        int gh = cell.gates() * hidden;
        Rng rng = new Rng(3);
        Tensor wIh = GradcheckTest.param(rng, 0.3f, gh, in);
        Tensor wHh = GradcheckTest.param(rng, 0.3f, gh, hidden);
        Tensor bIh = GradcheckTest.param(rng, 0.3f, gh);
        Tensor bHh = GradcheckTest.param(rng, 0.3f, gh);
        Tensor h = GradcheckTest.param(rng, 1f, batch, hidden);
        Tensor c = cell == CellType.LSTM ? GradcheckTest.param(rng, 1f, batch, hidden) : null;
        List<Tensor> xs = new ArrayList<>();
        Tensor loss = null;
        for (int t = 0; t < 4; t++) {
            Tensor x = GradcheckTest.param(rng, 1f, 1, batch, in);
            xs.add(x);
            RecurrentScan.Result r = RecurrentScan.apply(cell, x, h, c, wIh, wHh, bIh, bHh, false, null, packs);
            h = r.h();
            c = r.c();
            float[] w = new float[batch * hidden];
            for (int i = 0; i < w.length; i++) {
                w[i] = rng.uniform(-1f, 1f);
            }
            Tensor term = LinearOps.dot(ShapeOps.reshape(r.y(), batch, hidden), w);
            loss = loss == null ? term : PointwiseOps.add(loss, term);
        }
        loss.backward();
        List<float[]> out = new ArrayList<>(List.of(h.data().clone(), wIh.grad().clone(), wHh.grad().clone(), bIh.grad().clone(),
                bHh.grad().clone()));
        for (Tensor x : xs) {
            out.add(x.grad().clone());
        }
        return out;
    }
}
