package seqlab.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.data.Seq2SeqBatch;
import seqlab.io.Safetensors;
import seqlab.nn.Parameter;
import seqlab.nn.transformer.Activation;
import seqlab.nn.transformer.Positional;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.testing.Fixtures;
import seqlab.train.AdamW;

/**
 * The Transformer translator against PyTorch's tutorial model (scripts/make_fixtures.py's
 * Seq2SeqTransformer, its masks, label smoothing 0.1), post-LN ReLU and pre-LN GELU: the same
 * parameter names, logits, loss, every gradient, and the losses of 10 AdamW steps.
 */
class TransformerParityTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"post_relu", "pre_gelu"})
    void trainingStepMatchesPyTorch(String name) {
        Safetensors.File f = Fixtures.open("translation_transformer_" + name + ".safetensors");
        Map<String, String> meta = f.metadata();
        int layers = Integer.parseInt(meta.get("layers"));
        TransformerConfig config = new TransformerConfig(Integer.parseInt(meta.get("d_model")), Integer.parseInt(meta.get("nhead")),
                layers, layers, Integer.parseInt(meta.get("dim_feedforward")), 0f, Activation.fromId(meta.get("activation")),
                Boolean.parseBoolean(meta.get("norm_first")), 1e-5f, Integer.parseInt(meta.get("src_vocab_size")),
                Integer.parseInt(meta.get("tgt_vocab_size")), Positional.SINUSOIDAL, 64);
        float smoothing = Float.parseFloat(meta.get("label_smoothing"));
        Transformer model = new Transformer(config, new Rng(1));
        assertThat(new ArrayList<>(model.namedParameters().keySet())).containsExactly(meta.get("param_names").split(","));
        assertThat(model.parameterCount()).isEqualTo(Transformer.parameterCount(config));
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            assertThat(e.getValue().shape()).as(e.getKey()).isEqualTo(f.info("param." + e.getKey()).intShape());
            System.arraycopy(f.floats("param." + e.getKey()), 0, e.getValue().data(), 0, e.getValue().size());
        }
        Seq2SeqBatch b = batch(f);
        Fixtures.assertClose(name + " logits", f.floats("logits"), model.logits(b, new Rng(2)).data(), 2e-5, 1e-4);
        Tensor loss = model.loss(b, 1.0, smoothing, new Rng(2), new Rng(3));
        Fixtures.assertClose(name + " loss", f.floats("loss"), loss.data(), 1e-6, 1e-5);
        loss.backward();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Fixtures.assertClose(name + " grad " + e.getKey(), f.floats("grad." + e.getKey()), e.getValue().grad(), 2e-6, 5e-4);
        }
        model.zeroGrad();
        AdamW opt = AdamW.adamw(model.parameters(), 0.01f, true);
        float[] losses = new float[10];
        for (int step = 0; step < losses.length; step++) {
            opt.zeroGrad();
            Tensor l = model.loss(b, 1.0, smoothing, new Rng(2), new Rng(3));
            losses[step] = l.item();
            l.backward();
            opt.step(1e-3f);
        }
        Fixtures.assertClose(name + " AdamW losses", f.floats("adamw_losses"), losses, 1e-5, 1e-5);
    }

    static Seq2SeqBatch batch(Safetensors.File f) {
        int[] src = Fixtures.ints(f.longs("source"));
        int[] lengths = Fixtures.ints(f.longs("source_lengths"));
        int[] tin = Fixtures.ints(f.longs("target_in"));
        int[] tout = Fixtures.ints(f.longs("target_out"));
        int batch = lengths.length;
        return new Seq2SeqBatch(src, lengths, tin, tout, batch, src.length / batch, tin.length / batch);
    }

}
