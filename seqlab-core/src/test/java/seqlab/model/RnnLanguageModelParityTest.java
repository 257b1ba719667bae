package seqlab.model;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.io.Safetensors;
import seqlab.nn.Parameter;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.testing.Fixtures;
import seqlab.train.AdamW;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole RnnLanguageModel against PyTorch's example architecture: logits, loss, every
 * parameter gradient, and the losses of 10 AdamW steps and the weights after them (llm.c's test).
 */
class RnnLanguageModelParityTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lstm", "lstm_tied", "gru", "rnn_tanh"})
    void matchesPyTorch(String name) {
        Safetensors.File f = Fixtures.open("rnnlm_" + name + ".safetensors");
        Map<String, String> meta = f.metadata();
        RnnLmConfig config = new RnnLmConfig(CellType.fromId(meta.get("cell")), Integer.parseInt(meta.get("vocab_size")),
                Integer.parseInt(meta.get("embedding_size")), Integer.parseInt(meta.get("hidden_size")),
                Integer.parseInt(meta.get("num_layers")), 0f, Boolean.parseBoolean(meta.get("tie_weights")));
        RnnLanguageModel model = new RnnLanguageModel(config, new Rng(1));
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            float[] src = f.floats("param." + e.getKey());
            assertThat(e.getValue().shape()).as(e.getKey()).isEqualTo(f.info("param." + e.getKey()).intShape());
            System.arraycopy(src, 0, e.getValue().data(), 0, src.length);
        }
        // the state dict's keys (both names of a tied tensor, as PyTorch's state_dict)
        assertThat(model.namedParameters().keySet()).containsExactlyInAnyOrderElementsOf(
                f.tensors().keySet().stream().filter(k -> k.startsWith("param.")).map(k -> k.substring(6)).toList());
        int[] shape = f.info("input_ids").intShape();
        int b = shape[0];
        int t = shape[1];
        int[] ids = Fixtures.ints(f.longs("input_ids"));
        int[] targets = Fixtures.ints(f.longs("targets"));

        Tensor logits = model.logits(ids, b, t, new Rng(0));
        Fixtures.assertClose(name + " logits", f.floats("logits"), logits.data(), 1e-6, 1e-5);
        Tensor loss = model.loss(ids, targets, b, t, new Rng(0));
        Fixtures.assertClose(name + " loss", f.floats("loss"), loss.data(), 1e-6, 1e-6);
        loss.backward();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (config.tieWeights() && e.getKey().equals("decoder.weight")) {
                continue;   // PyTorch's named_parameters lists a tied tensor once, as encoder.weight
            }
            Fixtures.assertClose(name + " grad " + e.getKey(), f.floats("grad." + e.getKey()), e.getValue().grad(), 1e-6, 1e-4);
        }

        model.zeroGrad();
        AdamW opt = new AdamW(model.parameters(), 0.9, 0.999, 1e-8, 0.01f, true, false);
        float[] losses = new float[10];
        for (int step = 0; step < 10; step++) {
            opt.zeroGrad();
            Tensor l = model.loss(ids, targets, b, t, new Rng(0));
            losses[step] = l.item();
            l.backward();
            opt.step(1e-2f);
        }
        Fixtures.assertClose(name + " AdamW losses", f.floats("adamw_losses"), losses, 1e-5, 1e-5);
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Fixtures.assertClose(name + " weights after 10 steps " + e.getKey(), f.floats("after." + e.getKey()),
                    e.getValue().data(), 1e-4, 1e-4);   // Adam normalises tiny gradients to lr-sized steps: 1% of lr
        }
    }
}
