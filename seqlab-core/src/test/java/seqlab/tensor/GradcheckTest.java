package seqlab.tensor;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every differentiable op against central differences (float32: ε = 1e-2 and stated tolerances). */
class GradcheckTest {

    static final double EPS = 1e-2;
    static final double ATOL = 2e-3;
    static final double RTOL = 2e-2;

    static Tensor param(Rng rng, float scale, int... shape) {
        float[] d = new float[Math.toIntExact(Tensor.numel(shape))];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.uniform(-scale, scale);
        }
        return Tensor.parameter(d, shape);
    }

    static void assertGradients(Supplier<Tensor> f, Tensor... inputs) {
        assertGradients(EPS, f, inputs);
    }

    static void assertGradients(double eps, Supplier<Tensor> f, Tensor... inputs) {
        Gradcheck.Report r = Gradcheck.check(f, List.of(inputs), eps, ATOL, RTOL, 60, 11);
        assertThat(r.firstFailure()).as("gradcheck (%d elements, max |diff| %.3g)", r.checked(), r.maxAbsError()).isNull();
    }

    @ParameterizedTest(name = "rows={0} in={1} out={2}")
    @CsvSource({"1,1,1", "3,5,7", "4,17,2", "2,33,19", "0,3,4"})
    void linear(int rows, int in, int out) {
        Rng rng = new Rng(rows * 31 + in);
        Tensor x = param(rng, 1f, rows, in);
        Tensor w = param(rng, 1f, out, in);
        Tensor b = param(rng, 1f, out);
        assertGradients(() -> LinearOps.linear(x, w, b), x, w, b);
        assertGradients(() -> LinearOps.linear(x, w, null), x, w);
    }

    @Test
    void linearOnRank3Input() {
        Rng rng = new Rng(2);
        Tensor x = param(rng, 1f, 2, 3, 5);
        Tensor w = param(rng, 1f, 4, 5);
        assertGradients(() -> LinearOps.linear(x, w, null), x, w);
    }

    @Test
    void embeddingWithRepeatedIds() {
        Rng rng = new Rng(3);
        Tensor w = param(rng, 1f, 6, 5);
        int[] ids = {1, 4, 1, 0, 5, 1};
        assertGradients(() -> LinearOps.embedding(ids, new int[] {2, 3}, w), w);
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 1", "2, 3, 5", "3, 4, 17", "2, 2, 33", "2, 40, 520"})   // the last is large enough to split its rows
    void additiveScores(int batch, int positions, int attn) {
        Rng rng = new Rng(8);
        Tensor k = param(rng, 1f, batch, positions, attn);
        Tensor q = param(rng, 1f, batch, attn);
        Tensor v = param(rng, 1f, 1, attn);
        assertGradients(() -> AlignmentOps.additiveScores(k, q, v), k, q, v);
    }

    @Test
    void meanSquaredError() {
        Tensor x = param(new Rng(9), 1f, 3, 2);
        float[] y = {0.5f, -1f, 2f, 0f, 0.25f, 1f};
        assertGradients(() -> MeanSquaredError.mean(x, y), x);
        assertThat(MeanSquaredError.mean(Tensor.of(new float[] {1f, 3f}, 2), new float[] {0f, 1f}).item()).isEqualTo(2.5f);
    }

    @Test
    void shapeOps() {
        Rng rng = new Rng(4);
        Tensor a = param(rng, 1f, 3, 2, 4);
        Tensor b = param(rng, 1f, 3, 2, 5);
        assertGradients(() -> ShapeOps.transpose01(a), a);
        assertGradients(() -> ShapeOps.concatLast(a, b), a, b);
        assertGradients(() -> ShapeOps.reshape(a, 6, 4), a);
        assertGradients(() -> PointwiseOps.add(a, a), a);
        assertGradients(() -> ShapeOps.select(a, 2), a);
        Tensor m = Tensor.parameter(new float[] {0.3f, -1.2f, 0.7f, 2.1f, -0.4f, 0.9f, 1.5f, -2.2f}, 4, 2);
        assertGradients(() -> ShapeOps.rows(m, new int[] {3, 0, 3}), m);                // a repeated row gets both gradients
        Tensor c = param(rng, 1f, 3, 2, 4);
        assertGradients(() -> ShapeOps.stack(List.of(a, c)), a, c);
    }

    @ParameterizedTest(name = "rows={0} C={1}")
    @CsvSource({"1,1", "3,5", "2,17", "4,33"})
    void layerNorm(int rows, int c) {
        Rng rng = new Rng(rows * 10 + c);
        Tensor x = param(rng, 2f, rows, c);
        Tensor g = param(rng, 1f, c);
        Tensor b = param(rng, 1f, c);
        assertGradients(() -> LayerNormOp.apply(x, g, b, 1e-5f), x, g, b);
        assertGradients(() -> LayerNormOp.apply(x, null, null, 1e-5f), x);
    }

    @Test
    void dropoutUsesTheSameMaskForwardAndBackward() {
        Rng rng = new Rng(5);
        Tensor x = param(rng, 1f, 4, 9);
        assertGradients(() -> PointwiseOps.dropout(x, 0.3f, new Rng(99)), x);
    }

    @ParameterizedTest(name = "N={0} V={1}")
    @CsvSource({"1,1", "1,2", "5,7", "4,65", "3,17"})
    void crossEntropyWithIgnoredRows(int n, int v) {
        Rng rng = new Rng(n * 100 + v);
        Tensor z = param(rng, 3f, n, v);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = i == 1 ? -100 : rng.nextInt(v);
        }
        assertGradients(() -> CrossEntropy.mean(z, t, -100), z);
    }

    @ParameterizedTest(name = "{0} T={1} B={2} I={3} H={4} reverse={5}")
    @CsvSource({
            "LSTM,1,1,1,1,false", "LSTM,5,3,4,7,false", "LSTM,4,2,3,17,true", "LSTM,0,2,3,4,false",
            "GRU,1,1,1,1,false", "GRU,5,3,4,7,false", "GRU,4,2,3,17,true",
            "RNN_TANH,1,1,1,1,false", "RNN_TANH,6,3,4,7,true", "RNN_RELU,5,2,3,9,false"})
    void recurrentLayerWithInitialStates(CellType cell, int steps, int batch, int in, int hidden, boolean reverse) {
        Rng rng = new Rng(steps * 1000 + hidden);
        int gh = cell.gates() * hidden;
        float k = (float) (1 / Math.sqrt(hidden));
        Tensor x = param(rng, 1f, steps, batch, in);
        Tensor h0 = param(rng, 0.5f, batch, hidden);
        Tensor c0 = cell == CellType.LSTM ? param(rng, 0.5f, batch, hidden) : null;
        Tensor wIh = param(rng, k, gh, in);
        Tensor wHh = param(rng, k, gh, hidden);
        Tensor bIh = param(rng, k, gh);
        Tensor bHh = param(rng, k, gh);
        // all outputs enter the loss: y, h_T and c_T
        Supplier<Tensor> f = () -> {
            RecurrentScan.Result r = RecurrentScan.apply(cell, x, h0, c0, wIh, wHh, bIh, bHh, reverse);
            Tensor all = ShapeOps.concatLast(ShapeOps.reshape(r.y(), steps * batch * hidden, 1),
                    ShapeOps.reshape(r.y(), steps * batch * hidden, 1));
            Tensor states = r.c() == null ? r.h() : ShapeOps.concatLast(r.h(), r.c());
            return ShapeOps.concatLast(ShapeOps.reshape(all, 1, all.size()), ShapeOps.reshape(states, 1, states.size()));
        };
        // relu has a kink at 0: a smaller step keeps central differences from straddling it
        double eps = cell == CellType.RNN_RELU ? 1e-3 : EPS;
        if (c0 != null) {
            assertGradients(eps, f, x, h0, c0, wIh, wHh, bIh, bHh);
        } else {
            assertGradients(eps, f, x, h0, wIh, wHh, bIh, bHh);
        }
    }
}
