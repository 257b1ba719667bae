package seqlab.nn.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.kernel.AttentionMask;
import seqlab.io.Safetensors;
import seqlab.nn.Module;
import seqlab.nn.Parameter;
import seqlab.tensor.Gradcheck;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.testing.Fixtures;
import seqlab.tensor.LinearOps;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.ShapeOps;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each attention score: PyTorch parity (context, weights, every gradient, with padding and a hole
 * in the mask), gradcheck through the masked softmax, and a fully masked row giving zeros.
 */
class AttentionScoreTest {

    static AttentionScore create(String kind, int hq, int hk, int a, Rng rng) {
        return switch (kind) {
            case "bahdanau" -> new AdditiveAttention(hq, hk, a, rng);
            case "dot" -> new DotAttention();
            case "general" -> new GeneralAttention(hq, hk, rng);
            case "concat" -> new ConcatAttention(hq, hk, a, rng);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** The mask of a (B, S) array, true (or nonzero) = attend. */
    static AttentionMask mask(long[] m, int b) {
        boolean[] hidden = new boolean[m.length];
        for (int i = 0; i < m.length; i++) {
            hidden[i] = m[i] == 0;
        }
        return AttentionMask.keyPadding(hidden, b, m.length / b);
    }

    static AttentionMask mask(boolean[] attend, int b) {
        long[] m = new long[attend.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = attend[i] ? 1 : 0;
        }
        return mask(m, b);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bahdanau", "dot", "general", "concat"})
    void matchesPyTorch(String kind) {
        Safetensors.File f = Fixtures.open("attention_" + kind + ".safetensors");
        Map<String, String> meta = f.metadata();
        AttentionScore score = create(kind, Integer.parseInt(meta.get("query_dim")), Integer.parseInt(meta.get("key_dim")),
                Integer.parseInt(meta.get("attn_dim")), new Rng(1));
        Map<String, Parameter> params = ((Module) score).namedParameters();
        assertThat(params.keySet()).containsExactlyInAnyOrderElementsOf(f.tensors().keySet().stream()
                .filter(k -> k.startsWith("param.")).map(k -> k.substring(6)).toList());
        params.forEach((name, p) -> System.arraycopy(f.floats("param." + name), 0, p.data(), 0, p.size()));
        Tensor q = Tensor.parameter(f.floats("query"), f.info("query").intShape());
        Tensor k = Tensor.parameter(f.floats("keys"), f.info("keys").intShape());
        AttentionScore.Output out = score.attend(q, score.prepare(k), k, mask(f.longs("mask"), q.dim(0)));
        Fixtures.assertClose(kind + " weights", f.floats("weights"), out.weights().data(), 1e-6, 1e-5);
        Fixtures.assertClose(kind + " context", f.floats("context"), out.context().data(), 1e-6, 1e-5);
        PointwiseOps.add(LinearOps.dot(out.context(), f.floats("w_context")), LinearOps.dot(out.weights(), f.floats("w_weights"))).backward();
        Fixtures.assertClose(kind + " grad query", f.floats("grad.query"), q.grad(), 1e-5, 1e-4);
        Fixtures.assertClose(kind + " grad keys", f.floats("grad.keys"), k.grad(), 1e-5, 1e-4);
        params.forEach((name, p) -> Fixtures.assertClose(kind + " grad " + name, f.floats("grad." + name), p.grad(), 1e-5, 1e-4));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bahdanau", "dot", "general", "concat"})
    void gradcheckThroughTheMaskedSoftmax(String kind) {
        Rng rng = new Rng(7);
        int b = 2, s = 4, h = 5;
        AttentionScore score = create(kind, h, h, 3, rng);
        Tensor q = Tensor.parameter(random(rng, b * h), b, h);
        Tensor k = Tensor.parameter(random(rng, b * s * h), b, s, h);
        boolean[] mask = {true, true, false, true, true, true, true, false};
        List<Tensor> inputs = new ArrayList<>(List.of(q, k));
        for (Parameter p : ((Module) score).parameters()) {
            inputs.add(p.tensor());
        }
        Gradcheck.Report r = Gradcheck.check(() -> {
            AttentionScore.Output o = score.attend(q, score.prepare(k), k, mask(mask, b));
            return ShapeOps.concatLast(ShapeOps.reshape(o.context(), 1, b * h), ShapeOps.reshape(o.weights(), 1, b * s));
        }, inputs, 1e-2, 2e-3, 2e-2, 60, 3);
        assertThat(r.firstFailure()).as("%d checked, max |diff| %.3g", r.checked(), r.maxAbsError()).isNull();
    }

    @Test
    void aRowWithNothingToAttendGivesZerosAndNoNaN() {
        Rng rng = new Rng(9);
        AdditiveAttention score = new AdditiveAttention(4, 4, 3, rng);
        Tensor q = Tensor.parameter(random(rng, 8), 2, 4);
        Tensor k = Tensor.parameter(random(rng, 24), 2, 3, 4);
        boolean[] mask = {true, true, false, false, false, false};            // row 1: all padding
        AttentionScore.Output o = score.attend(q, score.prepare(k), k, mask(mask, 2));
        assertThat(java.util.Arrays.copyOfRange(o.weights().data(), 3, 6)).containsOnly(0f);
        assertThat(java.util.Arrays.copyOfRange(o.context().data(), 4, 8)).containsOnly(0f);
        assertThat(o.weights().data()[2]).isZero();                            // padding in row 0
        LinearOps.dot(o.context(), new float[] {1, 1, 1, 1, 1, 1, 1, 1}).backward();
        for (float g : q.grad()) {
            assertThat(g).isFinite();
        }
        for (float g : k.grad()) {
            assertThat(g).isFinite();
        }
    }

    static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.uniform(-1f, 1f);
        }
        return x;
    }
}
