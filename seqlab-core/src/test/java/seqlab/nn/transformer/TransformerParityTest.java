package seqlab.nn.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.nn.attention.RotaryEmbedding;
import seqlab.io.Safetensors;
import seqlab.kernel.AttentionMask;
import seqlab.nn.Module;
import seqlab.nn.Parameter;
import seqlab.tensor.LinearOps;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.testing.Fixtures;

/** Both layer kinds (post- and pre-LN, ReLU and GELU) and the whole nn.Transformer against PyTorch. */
class TransformerParityTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"encoder_post_relu", "encoder_pre_gelu", "decoder_post_relu", "decoder_pre_gelu", "whole_post", "whole_pre"})
    void matchesPyTorch(String name) {
        Safetensors.File f = Fixtures.open("transformer_" + name + ".safetensors");
        Map<String, String> meta = f.metadata();
        LayerConfig c = new LayerConfig(Integer.parseInt(meta.get("d_model")), Integer.parseInt(meta.get("nhead")),
                Integer.parseInt(meta.get("dim_feedforward")), 0f, Activation.fromId(meta.get("activation")),
                Boolean.parseBoolean(meta.get("norm_first").toLowerCase()), 1e-5f, null);
        String what = meta.get("what");
        Tensor src = Tensor.parameter(f.floats("src"), f.info("src").intShape());
        Tensor tgt = f.tensors().containsKey("tgt") ? Tensor.parameter(f.floats("tgt"), f.info("tgt").intShape()) : null;
        AttentionMask srcMask = AttentionMask.keyPadding(Fixtures.bools(f.longs("src_key_padding_mask")), src.dim(0), src.dim(1));
        AttentionMask tgtMask = tgt == null ? null : AttentionMask.causal()
                .and(AttentionMask.keyPadding(Fixtures.bools(f.longs("tgt_key_padding_mask")), tgt.dim(0), tgt.dim(1)));
        Rng rng = new Rng(1);
        Module m;
        Tensor out;
        switch (what) {
            case "encoder_layer" -> {
                TransformerEncoderLayer l = new TransformerEncoderLayer(c, rng);
                m = l;
                load(m, f);
                out = l.forward(src, srcMask, rng);
            }
            case "decoder_layer" -> {
                TransformerDecoderLayer l = new TransformerDecoderLayer(c, rng);
                m = l;
                load(m, f);
                out = l.forward(tgt, src, tgtMask, srcMask, false, rng).output();
            }
            default -> {
                int layers = Integer.parseInt(meta.get("layers"));
                Transformer t = new Transformer(c, layers, layers, rng);
                m = t;
                load(m, f);
                out = t.forward(src, tgt, srcMask, tgtMask, srcMask, -1, rng).output();
            }
        }
        Fixtures.assertClose(name + " output", f.floats("output"), out.data(), 2e-5, 2e-4);
        LinearOps.dot(out, f.floats("w_out")).backward();
        Fixtures.assertClose(name + " grad src", f.floats("grad.src"), src.grad(), 2e-5, 5e-4);
        if (tgt != null) {
            Fixtures.assertClose(name + " grad tgt", f.floats("grad.tgt"), tgt.grad(), 2e-5, 5e-4);
        }
        m.namedParameters().forEach((n, p) -> Fixtures.assertClose(name + " grad " + n, f.floats("grad." + n), p.grad(), 2e-5, 5e-4));
    }

    /** Copies every parameter from the fixture, checking the two have exactly the same names. */
    static void load(Module m, Safetensors.File f) {
        Map<String, Parameter> params = m.namedParameters();
        assertThat(params.keySet()).containsExactlyInAnyOrderElementsOf(f.tensors().keySet().stream()
                .filter(k -> k.startsWith("param.")).map(k -> k.substring(6)).toList());
        params.forEach((n, p) -> {
            assertThat(f.info("param." + n).intShape()).as(n).containsExactly(p.shape());
            System.arraycopy(f.floats("param." + n), 0, p.data(), 0, p.size());
        });
    }

    @Test
    void namesAreNnTransformers() {
        Transformer t = new Transformer(new LayerConfig(8, 2, 16, 0f, Activation.RELU, false, 1e-5f, null), 2, 1, new Rng(1));
        assertThat(t.namedParameters().keySet()).startsWith("encoder.layers.0.self_attn.in_proj_weight",
                "encoder.layers.0.self_attn.in_proj_bias", "encoder.layers.0.self_attn.out_proj.weight",
                "encoder.layers.0.self_attn.out_proj.bias", "encoder.layers.0.linear1.weight", "encoder.layers.0.linear1.bias",
                "encoder.layers.0.linear2.weight", "encoder.layers.0.linear2.bias", "encoder.layers.0.norm1.weight")
                .contains("encoder.norm.weight", "decoder.layers.0.multihead_attn.in_proj_weight", "decoder.layers.0.norm3.bias",
                        "decoder.norm.bias")
                .doesNotContain("decoder.layers.1.norm1.weight");
    }

    @Test
    void badConfigsSayWhatToChange() {
        assertThatThrownBy(() -> new LayerConfig(10, 4, 8, 0f, Activation.RELU, false, 1e-5f, null))
                .hasMessageContaining("d_model 10 is not divisible by nhead 4; choose nhead dividing d_model (e.g. 5)");
        assertThatThrownBy(() -> Activation.fromId("swish")).hasMessage("activation \"swish\" is not one of relu, gelu, gelu_new");
        assertThatThrownBy(() -> Positional.fromId("alibi")).hasMessage("positional encoding \"alibi\" is not one of sinusoidal, learned, rotary, none");
        assertThatThrownBy(() -> new LayerConfig(12, 4, 8, 0f, Activation.RELU, false, 1e-5f, RotaryEmbedding.DEFAULT))
                .hasMessageContaining("even head size");
    }

}
