package seqlab.nn.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.nn.attention.RotaryEmbedding;
import seqlab.tensor.Gradcheck;
import seqlab.tensor.Rng;
import seqlab.tensor.ShapeOps;
import seqlab.tensor.Tensor;

/** The sinusoidal table, learned positions and rotary positions. */
class PositionalTest {

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 2, 7, 16, 64})
    void theSinusoidalTableIsThePapersFormula(int d) {
        int positions = 300;
        float[] pe = SinusoidalEncoding.table(positions, d);
        for (int pos = 0; pos < positions; pos++) {
            for (int i = 0; i < d; i++) {
                double omega = Math.pow(10000, -(i - i % 2) / (double) d);               // 1/10000^{2i/d}
                double want = i % 2 == 0 ? Math.sin(pos * omega) : Math.cos(pos * omega);
                assertThat((double) pe[pos * d + i]).as("PE(%d, %d)", pos, i).isCloseTo(want, within(2e-4));
            }
        }
    }

    @Test
    void theTableIsAddedToEveryRowFromTheGivenPosition() {
        SinusoidalEncoding enc = new SinusoidalEncoding(4);
        assertThat(enc.namedParameters()).isEmpty();
        Tensor x = Tensor.zeros(2, 3, 4);
        Tensor y = enc.forward(x, 5);
        float[] pe = SinusoidalEncoding.table(8, 4);
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 12; i++) {
                assertThat(y.data()[b * 12 + i]).isEqualTo(pe[5 * 4 + i]);
            }
        }
        assertThat(enc.forward(Tensor.zeros(1, 5000, 4), 0).dim(1)).isEqualTo(5000);     // any length
    }

    @Test
    void learnedPositionsRefuseALongerInputAndLearn() {
        Rng rng = new Rng(2);
        LearnedPositions pos = new LearnedPositions(6, 3, rng);
        assertThat(pos.namedParameters().keySet()).containsExactly("embedding.weight");
        assertThatThrownBy(() -> pos.forward(Tensor.zeros(1, 4, 3), 3))
                .hasMessage("a sequence of 7 tokens is longer than max_positions 6 (learned positions have no row beyond it); "
                        + "shorten the input, or train a model with a larger --max-positions");
        Tensor x = Tensor.parameter(new float[2 * 4 * 3], 2, 4, 3);
        Gradcheck.Report r = Gradcheck.check(() -> ShapeOps.reshape(pos.forward(x, 1), 1, 24),
                List.of(x, pos.embedding().weight().tensor()), 1e-2, 1e-3, 1e-2, 40, 1);
        assertThat(r.firstFailure()).isNull();
    }

    @Test
    void rotaryKeepsLengthsAndMakesScoresDependOnTheOffsetAlone() {
        Rng rng = new Rng(3);
        int d = 8;
        float[] q = random(rng, d);
        float[] k = random(rng, d);
        double[] dots = new double[3];
        int[][] positions = {{3, 1}, {10, 8}, {105, 103}};                               // p − r = 2 each time
        for (int n = 0; n < 3; n++) {
            float[] qr = rotate(q, positions[n][0], d);
            float[] kr = rotate(k, positions[n][1], d);
            assertThat(norm(qr)).isCloseTo(norm(q), within(1e-5));
            double dot = 0;
            for (int i = 0; i < d; i++) {
                dot += qr[i] * kr[i];
            }
            dots[n] = dot;
        }
        assertThat(dots[1]).isCloseTo(dots[0], within(1e-4));
        assertThat(dots[2]).isCloseTo(dots[0], within(1e-4));
        assertThat(rotate(q, 0, d)).containsExactly(q);                                    // position 0: the identity
    }

    @Test
    void rotaryIsTheHalfSplitConvention() {
        // x = e_0 (first half's first element) at position 1: x₁' = cos θ_0, x₂' = sin θ_0, θ_0 = 1
        float[] x = new float[4];
        x[0] = 1;
        float[] y = rotate(x, 1, 4);
        assertThat(y[0]).isCloseTo((float) Math.cos(1), within(1e-6f));
        assertThat(y[2]).isCloseTo((float) Math.sin(1), within(1e-6f));
        assertThat(y[1]).isZero();
        assertThat(y[3]).isZero();
    }

    @Test
    void rotaryGradcheckOverTwoBlocksAndHeads() {
        Rng rng = new Rng(4);
        Tensor x = Tensor.parameter(random(rng, 2 * 3 * 12), 2, 3, 12);                 // (B, T, [q | k | v]) with E = 4, 2 heads of 2
        Gradcheck.Report r = Gradcheck.check(() -> ShapeOps.reshape(RotaryEmbedding.DEFAULT.apply(x, new int[] {0, 4}, 2, 2, 7), 1, 72),
                List.of(x), 1e-2, 1e-3, 1e-2, 72, 2);
        assertThat(r.firstFailure()).isNull();
        Tensor y = RotaryEmbedding.DEFAULT.apply(x, new int[] {0, 4}, 2, 2, 7);
        for (int row = 0; row < 6; row++) {                                               // the value block passes through
            for (int c = 8; c < 12; c++) {
                assertThat(y.data()[row * 12 + c]).isEqualTo(x.data()[row * 12 + c]);
            }
        }
    }

    private static float[] rotate(float[] x, int pos, int d) {
        return RotaryEmbedding.DEFAULT.apply(Tensor.of(x.clone(), 1, 1, d), new int[] {0}, 1, d, pos).data();
    }

    private static double norm(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.uniform(-1, 1);
        }
        return x;
    }
}
