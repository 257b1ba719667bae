package seqlab.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.io.Safetensors;
import seqlab.tensor.Rng;
import seqlab.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A safetensors file holding the state dict of PyTorch's example RNNModel (written by the fixture
 * script as that example's user would) loads as a seqlab model directory and gives PyTorch's
 * logits; seqlab's own file of the same model holds exactly PyTorch's state_dict keys.
 */
class PyTorchStateDictTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lstm", "lstm_tied", "gru", "rnn_tanh"})
    void aPyTorchFileLoadsAndGivesTheSameLogits(String name) throws IOException {
        Safetensors.File ref = Fixtures.open("rnnlm_" + name + ".safetensors");
        Map<String, String> meta = ref.metadata();
        Path model = dir.resolve(name);
        Files.createDirectories(model);
        Files.copy(Fixtures.path("pt_rnnlm_" + name + ".safetensors"), model.resolve(ModelDirectory.WEIGHTS));
        Files.writeString(model.resolve(ModelDirectory.CONFIG), String.format(
                "{\"architecture\": \"rnn-lm\", \"cell\": \"%s\", \"vocab_size\": %s, \"embedding_size\": %s, "
                        + "\"hidden_size\": %s, \"num_layers\": %s, \"dropout\": 0.0, \"tie_weights\": %s}",
                meta.get("cell"), meta.get("vocab_size"), meta.get("embedding_size"), meta.get("hidden_size"),
                meta.get("num_layers"), meta.get("tie_weights")));
        ModelDirectory.Loaded.Generator loaded = ModelDirectory.loadGenerator(model, "test");
        assertThat(loaded.tokenizer()).isNull();
        int[] shape = ref.info("input_ids").intShape();
        float[] logits = loaded.model().logits(Fixtures.ints(ref.longs("input_ids")), shape[0], shape[1], new Rng(0)).data();
        Fixtures.assertClose(name + " logits from the PyTorch file", ref.floats("logits"), logits, 1e-6, 1e-5);

        // and back: seqlab writes every state_dict key (a tied tensor under both names)
        Path out = dir.resolve(name + "-seqlab");
        ModelDirectory.save(out, loaded.model(), null);
        assertThat(Safetensors.open(out.resolve(ModelDirectory.WEIGHTS)).tensors().keySet())
                .containsExactlyInAnyOrderElementsOf(ref.tensors().keySet().stream()
                        .filter(k -> k.startsWith("param.")).map(k -> k.substring(6)).toList());
    }
}
