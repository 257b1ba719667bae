package seqlab.nn.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.io.Safetensors;
import seqlab.kernel.AttentionMask;
import seqlab.nn.Parameter;
import seqlab.tensor.Gradcheck;
import seqlab.tensor.LinearOps;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.Rng;
import seqlab.tensor.ShapeOps;
import seqlab.tensor.Tensor;
import seqlab.testing.Fixtures;

/** MultiheadAttention against PyTorch's nn.MultiheadAttention: outputs, per-head weights, every gradient. */
class MultiheadAttentionParityTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"self_causal_padding", "self_padding_fused", "cross_padding", "cross_fused", "general_time_major",
            "general_weights"})
    void matchesPyTorch(String name) {
        Safetensors.File f = Fixtures.open("mha_" + name + ".safetensors");
        Map<String, String> meta = f.metadata();
        int e = Integer.parseInt(meta.get("embed_dim"));
        int h = Integer.parseInt(meta.get("num_heads"));
        boolean batchFirst = Boolean.parseBoolean(meta.get("batch_first").toLowerCase());
        boolean weights = Boolean.parseBoolean(meta.get("need_weights").toLowerCase());
        String kind = meta.get("kind");
        MultiheadAttention mha = new MultiheadAttention(e, h, 0f, true, batchFirst, new Rng(1));
        Map<String, Parameter> params = mha.namedParameters();
        assertThat(params.keySet()).containsExactly("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias");
        params.forEach((n, p) -> System.arraycopy(f.floats("param." + n), 0, p.data(), 0, p.size()));
        Tensor q = Tensor.parameter(f.floats("query"), f.info("query").intShape());
        Tensor k = kind.equals("self") ? q : Tensor.parameter(f.floats("key"), f.info("key").intShape());
        Tensor v = kind.equals("general") ? Tensor.parameter(f.floats("value"), f.info("value").intShape()) : k;
        int b = q.dim(batchFirst ? 0 : 1);
        int t = q.dim(batchFirst ? 1 : 0);
        int s = k.dim(batchFirst ? 1 : 0);
        AttentionMask mask = AttentionMask.none();
        if (f.tensors().containsKey("attn_mask")) {
            mask = mask.and(AttentionMask.hidden(Fixtures.bools(f.longs("attn_mask")), t, s));
        }
        if (f.tensors().containsKey("key_padding_mask")) {
            mask = mask.and(AttentionMask.keyPadding(Fixtures.bools(f.longs("key_padding_mask")), b, s));
        }
        MultiheadAttention.Output out = mha.forward(q, k, v, mask, weights, null);
        Fixtures.assertClose(name + " output", f.floats("output"), out.output().data(), 1e-5, 1e-4);
        Tensor loss = LinearOps.dot(out.output(), f.floats("w_out"));
        if (weights) {
            assertThat(out.weights().shape()).containsExactly(b, h, t, s);
            Fixtures.assertClose(name + " weights", f.floats("weights"), out.weights().data(), 1e-6, 1e-5);
            loss = PointwiseOps.add(loss, LinearOps.dot(out.weights(), f.floats("w_weights")));
        } else {
            assertThat(out.weights()).isNull();
        }
        loss.backward();
        Fixtures.assertClose(name + " grad query", f.floats("grad.query"), q.grad(), 1e-5, 1e-4);
        if (!kind.equals("self")) {
            Fixtures.assertClose(name + " grad key", f.floats("grad.key"), k.grad(), 1e-5, 1e-4);
        }
        if (kind.equals("general")) {
            Fixtures.assertClose(name + " grad value", f.floats("grad.value"), v.grad(), 1e-5, 1e-4);
        }
        params.forEach((n, p) -> Fixtures.assertClose(name + " grad " + n, f.floats("grad." + n), p.grad(), 1e-5, 1e-4));
    }

    @Test
    void gradcheckSelfAttentionThroughBothPaths() {
        Rng rng = new Rng(3);
        int b = 2, t = 4, e = 6;
        MultiheadAttention mha = new MultiheadAttention(e, 2, rng);
        Tensor x = Tensor.parameter(random(rng, b * t * e), b, t, e);
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.padding(new int[] {4, 2}));
        List<Tensor> inputs = new ArrayList<>(List.of(x));
        mha.parameters().forEach(p -> inputs.add(p.tensor()));
        for (boolean weights : new boolean[] {false, true}) {
            Gradcheck.Report r = Gradcheck.check(() -> {
                MultiheadAttention.Output o = mha.forward(x, mask, weights, null);
                Tensor flat = ShapeOps.reshape(o.output(), 1, b * t * e);
                return weights ? ShapeOps.concatLast(flat, ShapeOps.reshape(o.weights(), 1, o.weights().size())) : flat;
            }, inputs, 1e-2, 2e-3, 2e-2, 80, 5);
            assertThat(r.firstFailure()).as("weights %s: %d checked, max |diff| %.3g", weights, r.checked(), r.maxAbsError()).isNull();
        }
    }

    @Test
    void dropoutDropsWeightsInTrainingOnly() {
        Rng init = new Rng(4);
        MultiheadAttention mha = new MultiheadAttention(8, 2, 0.5f, true, true, init);
        Tensor x = Tensor.of(random(init, 2 * 5 * 8), 2, 5, 8);
        float[] eval;
        mha.train(false);
        eval = mha.forward(x, AttentionMask.none(), true, null).weights().data();
        for (float w : eval) {
            assertThat(w).isPositive();
        }
        mha.train(true);
        float[] train = mha.forward(x, AttentionMask.none(), true, new Rng(9)).weights().data();
        int zeros = 0;
        for (float w : train) {
            zeros += w == 0f ? 1 : 0;
        }
        assertThat(zeros).isBetween(train.length / 4, 3 * train.length / 4);
    }

    @Test
    void badSizesSayWhatIsWrong() {
        assertThatThrownBy(() -> new MultiheadAttention(10, 3, new Rng(1))).hasMessageContaining("embed_dim 10 must be divisible by num_heads 3");
        MultiheadAttention mha = new MultiheadAttention(4, 2, new Rng(1));
        assertThatThrownBy(() -> mha.forward(Tensor.zeros(2, 3, 5), AttentionMask.none(), false, null))
                .hasMessageContaining("input of shape [2, 3, 5], expected (batch, length, 4)");
    }


    static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.uniform(-1, 1);
        }
        return x;
    }
}
