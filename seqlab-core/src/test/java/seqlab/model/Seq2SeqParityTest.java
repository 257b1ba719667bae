package seqlab.model;

import java.util.ArrayList;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.data.Seq2SeqBatch;
import seqlab.io.Safetensors;
import seqlab.nn.Parameter;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.testing.Fixtures;
import seqlab.train.AdamW;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole seq2seq training step against PyTorch (scripts/make_fixtures.py's Seq2SeqRef): for every
 * decoder variant, with padded sources and targets, uni- and bidirectional encoders, 1 and 2
 * layers, teacher-forced and free-running: logits, attention weights, loss, every gradient, and
 * the losses of 5 Adam steps.
 */
class Seq2SeqParityTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gru_none", "gru_none_free", "lstm_none_bi2", "gru_context", "gru_bahdanau_bi",
            "gru_bahdanau_free", "lstm_bahdanau_l2", "gru_luong_dot", "lstm_luong_general_bi", "rnn_tanh_luong_concat_l2",
            "gru_bahdanau_shallow"})
    void trainingStepMatchesPyTorch(String name) {
        Safetensors.File f = Fixtures.open("seq2seq_" + name + ".safetensors");
        Map<String, String> meta = f.metadata();
        Seq2SeqConfig config = new Seq2SeqConfig(CellType.fromId(meta.get("cell")),
                Seq2SeqConfig.Attention.fromId(meta.get("attention")), Integer.parseInt(meta.get("source_vocab")),
                Integer.parseInt(meta.get("target_vocab")), Integer.parseInt(meta.get("embedding_size")),
                Integer.parseInt(meta.get("hidden_size")), Integer.parseInt(meta.get("num_layers")),
                Boolean.parseBoolean(meta.get("bidirectional")), 0f, 100, Boolean.parseBoolean(meta.get("deep_output")));
        double ratio = Double.parseDouble(meta.get("teacher_forcing"));
        Seq2Seq model = new Seq2Seq(config, new Rng(1));
        // same names, same order as PyTorch's state_dict
        assertThat(new ArrayList<>(model.namedParameters().keySet())).containsExactly(meta.get("param_names").split(","));
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            assertThat(e.getValue().shape()).as(e.getKey()).isEqualTo(f.info("param." + e.getKey()).intShape());
            float[] src = f.floats("param." + e.getKey());
            System.arraycopy(src, 0, e.getValue().data(), 0, src.length);
        }
        Seq2SeqBatch b = batch(f);

        Seq2Seq.Output out = model.forward(b, ratio, new Rng(2), new Rng(3));
        Fixtures.assertClose(name + " logits", f.floats("logits"), out.logits().data(), 1e-5, 1e-5);
        if (config.attention().attends()) {
            float[] w = new float[b.batch() * b.targetLen() * b.sourceLen()];        // (B, T, S) as PyTorch stacks them
            for (int t = 0; t < out.weights().size(); t++) {
                float[] wt = out.weights().get(t).data();
                for (int r = 0; r < b.batch(); r++) {
                    System.arraycopy(wt, r * b.sourceLen(), w, (r * b.targetLen() + t) * b.sourceLen(), b.sourceLen());
                }
            }
            Fixtures.assertClose(name + " attention weights", f.floats("weights"), w, 1e-6, 1e-5);
        } else {
            assertThat(out.weights()).isEmpty();
        }
        Tensor loss = model.loss(out, b);
        Fixtures.assertClose(name + " loss", f.floats("loss"), loss.data(), 1e-6, 1e-6);
        loss.backward();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Fixtures.assertClose(name + " grad " + e.getKey(), f.floats("grad." + e.getKey()), e.getValue().grad(), 1e-6, 1e-4);
        }

        model.zeroGrad();
        AdamW adam = new AdamW(model.parameters(), 0.9, 0.999, 1e-8, 0f, false, false);
        float[] losses = new float[5];
        for (int step = 0; step < losses.length; step++) {
            adam.zeroGrad();
            Tensor l = model.loss(b, ratio, new Rng(2), new Rng(3));
            losses[step] = l.item();
            l.backward();
            adam.step(1e-2f);
        }
        Fixtures.assertClose(name + " Adam losses", f.floats("adam_losses"), losses, 1e-5, 1e-5);
    }

    static Seq2SeqBatch batch(Safetensors.File f) {
        int[] src = Fixtures.ints(f.longs("source"));
        int[] lengths = Fixtures.ints(f.longs("source_lengths"));
        int[] tin = Fixtures.ints(f.longs("target_in"));
        int[] tout = Fixtures.ints(f.longs("target_out"));
        int batch = lengths.length;
        int s = src.length / batch;
        return new Seq2SeqBatch(src, lengths, tin, tout, batch, s, tin.length / batch);
    }
}
