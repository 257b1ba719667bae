package seqlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import seqlab.kernel.AttentionMask;
import seqlab.tensor.ScaledDotProductAttention.Columns;

/** The attention op and the other ops the Transformer added, against central differences. */
class ScaledDotProductAttentionTest {

    static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.uniform(-1, 1);
        }
        return x;
    }

    @ParameterizedTest(name = "weights {0}, dropout {1}")
    @CsvSource({"false,0", "true,0", "false,0.3", "true,0.3"})
    void gradchecksThroughAFusedProjectionWithEveryMaskKindAndDropout(boolean weights, float dropout) {
        Rng rng = new Rng(5);
        int b = 3, t = 5, e = 6, heads = 2;
        Tensor qkv = Tensor.parameter(random(rng, b * t * 3 * e), b, t, 3 * e);                 // read in place: [q | k | v]
        boolean[] hidden = new boolean[t * t];
        hidden[2 * t + 1] = true;
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.padding(new int[] {5, 3, 0}))   // row 2: no key at all
                .and(AttentionMask.hidden(hidden, t, t));
        Gradcheck.Report r = Gradcheck.check(() -> {
            ScaledDotProductAttention.Result a = ScaledDotProductAttention.apply(new Columns(qkv, 0), new Columns(qkv, e),
                    new Columns(qkv, 2 * e), heads, e, mask, dropout, new Rng(11), weights);     // the same dropout mask each call
            Tensor out = ShapeOps.reshape(a.output(), 1, b * t * e);
            return weights ? ShapeOps.concatLast(out, ShapeOps.reshape(a.weights(), 1, a.weights().size())) : out;
        }, List.of(qkv), 1e-2, 2e-3, 2e-2, 200, 3);
        assertThat(r.firstFailure()).as("%d checked, max |diff| %.3g", r.checked(), r.maxAbsError()).isNull();
        float[] out = ScaledDotProductAttention.apply(new Columns(qkv, 0), new Columns(qkv, e), new Columns(qkv, 2 * e), heads, e,
                mask, dropout, new Rng(11), weights).output().data();
        for (int i = 2 * t * e; i < 3 * t * e; i++) {
            assertThat(out[i]).as("the row without keys").isZero();
        }
    }

    @Test
    void weightsTooLargeForOneArrayAreRefusedInWords() {
        Tensor x = Tensor.parameter(new float[4 * 8192 * 8], 4, 8192, 8);          // (4, 8, 8192, 8192) weights: 2^31 values
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScaledDotProductAttention.apply(new Columns(x, 0), new Columns(x, 0),
                        new Columns(x, 0), 8, 8, AttentionMask.causal(), 0f, null, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2,147,483,648 values").hasMessageContaining("fused path");
    }

    @Test
    void separateQueryKeyAndValueTensorsGradcheck() {
        Rng rng = new Rng(6);
        Tensor q = Tensor.parameter(random(rng, 2 * 3 * 4), 2, 3, 4);
        Tensor kv = Tensor.parameter(random(rng, 2 * 7 * 8), 2, 7, 8);
        Gradcheck.Report r = Gradcheck.check(() -> ShapeOps.reshape(ScaledDotProductAttention.apply(new Columns(q, 0), new Columns(kv, 0),
                new Columns(kv, 4), 2, 4, AttentionMask.padding(new int[] {7, 2}), 0f, null, false).output(), 1, 24),
                List.of(q, kv), 1e-2, 2e-3, 2e-2, 100, 4);
        assertThat(r.firstFailure()).isNull();
    }

    @Test
    void aBlockOfWeightRowsPositionsAndScalingGradcheck() {
        Rng rng = new Rng(7);
        Tensor x = Tensor.parameter(random(rng, 2 * 3 * 4), 2, 3, 4);
        Tensor w = Tensor.parameter(random(rng, 9 * 4), 9, 4);
        Tensor bias = Tensor.parameter(random(rng, 9), 9);
        Tensor table = Tensor.parameter(random(rng, 6 * 4), 6, 4);
        Gradcheck.Report r = Gradcheck.check(() -> {
            Tensor y = LinearOps.linear(x, w, bias, 3, 7);                                          // rows 3..6 of W and b
            Tensor z = PointwiseOps.scale(PointwiseOps.addPositions(x, table, 2), 1.7f);
            return ShapeOps.concatLast(ShapeOps.reshape(y, 1, 24), ShapeOps.reshape(z, 1, 24));
        }, List.of(x, w, bias, table), 1e-2, 1e-3, 1e-2, 60, 5);
        assertThat(r.firstFailure()).isNull();
        w.zeroGrad();
        LinearOps.dot(LinearOps.linear(x, w, bias, 3, 7), random(rng, 24)).backward();          // rows outside [3, 7) get no gradient
        for (int row : new int[] {0, 1, 2, 7, 8}) {
            for (int c = 0; c < 4; c++) {
                assertThat(w.grad()[row * 4 + c]).isZero();
            }
        }
    }

    @Test
    void reluKeepsNaNAsPyTorchDoes() {
        float[] y = PointwiseOps.relu(Tensor.of(new float[] {Float.NaN, -1f, 2f}, 3)).data();
        assertThat(y[0]).isNaN();
        assertThat(y[1]).isZero();
        assertThat(y[2]).isEqualTo(2f);
    }
}
