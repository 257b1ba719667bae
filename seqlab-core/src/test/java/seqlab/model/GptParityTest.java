package seqlab.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.io.FormatException;
import seqlab.io.Safetensors;
import seqlab.nn.Parameter;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.testing.Fixtures;
import seqlab.train.AdamW;

/**
 * GPT against Hugging Face's GPT-2 as scripts/make_fixtures.py writes it in torch: a Hugging Face
 * directory (config.json, model.safetensors with Conv1D's [in, out] weights; the hub's names and
 * attention buffers in "tied", save_pretrained's GPT2LMHeadModel names and an untied head in
 * "untied") loads as it is, and gives the same logits, loss, every gradient, and the losses of 10
 * AdamW steps (nanoGPT's settings).
 */
class GptParityTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tied", "untied"})
    void huggingFaceDirectoryTrainsAsInPyTorch(String name) {
        Safetensors.File f = Fixtures.open("gpt2_" + name + ".safetensors");
        ModelDirectory.Loaded.Generator loaded = ModelDirectory.loadGenerator(Fixtures.path("gpt2_" + name), "test");
        assertThat(loaded.warnings()).isEmpty();
        Gpt model = (Gpt) loaded.model();
        GptConfig c = model.config();
        Map<String, String> meta = f.metadata();
        assertThat(c.nEmbd()).isEqualTo(Integer.parseInt(meta.get("n_embd")));
        assertThat(c.nInner()).isEqualTo(Integer.parseInt(meta.get("n_inner")));
        assertThat(c.activation().id()).isEqualTo(meta.get("activation"));
        assertThat(c.tieWordEmbeddings()).isEqualTo(Boolean.parseBoolean(meta.get("tied")));
        assertThat(model.parameterCount()).isEqualTo(Gpt.parameterCount(c));

        int[] shape = f.info("input_ids").intShape();
        int[] ids = Fixtures.ints(f.longs("input_ids"));
        int[] targets = Fixtures.ints(f.longs("targets"));
        model.train(true);
        Fixtures.assertClose(name + " logits", f.floats("logits"), model.logits(ids, shape[0], shape[1], new Rng(1)).data(), 1e-5, 1e-4);
        Tensor loss = model.loss(ids, targets, shape[0], shape[1], new Rng(1));
        Fixtures.assertClose(name + " loss", f.floats("loss"), loss.data(), 1e-6, 1e-5);
        loss.backward();
        int grads = 0;
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (f.tensors().containsKey("grad." + e.getKey())) {
                Fixtures.assertClose(name + " grad " + e.getKey(), f.floats("grad." + e.getKey()), e.getValue().grad(), 2e-6, 5e-4);
                grads++;
            }
        }
        assertThat(grads).isEqualTo(model.parameters().size());                 // every distinct parameter was checked
        model.zeroGrad();
        AdamW opt = new AdamW(model.parameters(), 0.9, 0.99, 1e-8, 0.1f, true, true);
        float[] losses = new float[10];
        for (int step = 0; step < losses.length; step++) {
            opt.zeroGrad();
            Tensor l = model.loss(ids, targets, shape[0], shape[1], new Rng(1));
            losses[step] = l.item();
            l.backward();
            opt.step(1e-3f);
        }
        Fixtures.assertClose(name + " AdamW losses", f.floats("adamw_losses"), losses, 1e-5, 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tied", "untied"})
    void savedDirectoryHoldsHuggingFaceLayoutAndLoadsBack(String name) {
        Path hf = Fixtures.path("gpt2_" + name);
        Gpt model = (Gpt) ModelDirectory.loadGenerator(hf, "test").model();
        Path out = dir.resolve(name);
        ModelDirectory.save(out, model, null);
        Safetensors.File ours = Safetensors.open(out.resolve(ModelDirectory.WEIGHTS));
        Safetensors.File theirs = Safetensors.open(hf.resolve(ModelDirectory.WEIGHTS));
        int compared = 0;
        for (String key : theirs.tensors().keySet()) {
            if (key.endsWith(".attn.bias") || key.endsWith(".attn.masked_bias")) {
                continue;
            }
            String ourKey = key.startsWith("transformer.") || key.equals("lm_head.weight") ? key : "transformer." + key;
            assertThat(ours.info(ourKey).shape()).as(ourKey).isEqualTo(theirs.info(key).shape());
            assertThat(ours.floats(ourKey)).as(ourKey).isEqualTo(theirs.floats(key));
            compared++;
        }
        assertThat(ours.tensors()).hasSize(compared);                           // nothing more: a tied head is left out
        Gpt back = (Gpt) ModelDirectory.loadGenerator(out, "test").model();
        int[] ids = {1, 5, 2, 7, 7, 0};
        assertThat(back.logits(ids, 1, ids.length, new Rng(0)).data()).isEqualTo(model.logits(ids, 1, ids.length, new Rng(0)).data());
    }

    /**
     * A left-padded batch against PyTorch: the fixture's short prompt (row 0's first 4 tokens), run
     * alone in torch, and here beside the whole row, so padded by 3 with positions cumsum(mask) − 1:
     * the logits of its last token are torch's, and so is the next step's through the cache.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tied", "untied"})
    void aLeftPaddedRowGivesPyTorchsLogitsOfThePromptAlone(String name) {
        Safetensors.File f = Fixtures.open("gpt2_" + name + ".safetensors");
        Gpt model = (Gpt) ModelDirectory.loadGenerator(Fixtures.path("gpt2_" + name), "test").model();
        int v = model.config().vocabSize();
        int[] shape = f.info("input_ids").intShape();
        int[] row0 = java.util.Arrays.copyOf(Fixtures.ints(f.longs("input_ids")), shape[1]);
        int[] shortIds = Fixtures.ints(f.longs("short_ids"));
        float[] want = f.floats("short_logits");                                   // (1, 4, V)
        int[] prefix = java.util.Arrays.copyOf(shortIds, 3);
        LanguageModel.Generation g = model.generate(new int[][] {row0, prefix}, 1, new Rng(0));
        Fixtures.assertClose(name + " padded row, prefill", java.util.Arrays.copyOfRange(want, 2 * v, 3 * v),
                java.util.Arrays.copyOfRange(g.logits(), v, 2 * v), 1e-5, 1e-4);
        g.step(new int[] {0, shortIds[3]}, new Rng(0));                            // the fourth token through the cache
        Fixtures.assertClose(name + " padded row, cached step", java.util.Arrays.copyOfRange(want, 3 * v, 4 * v),
                java.util.Arrays.copyOfRange(g.logits(), v, 2 * v), 1e-5, 1e-4);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shape", "missing", "conv1d"})
    void weightsThatDoNotFitTheConfigNameTheTensor(String what) throws IOException {
        Path hf = Fixtures.path("gpt2_tied");
        Path bad = dir.resolve(what);
        Files.createDirectories(bad);
        String config = Files.readString(hf.resolve("config.json"));
        Files.writeString(bad.resolve("config.json"), switch (what) {
            case "shape" -> config.replace("\"vocab_size\": 23", "\"vocab_size\": 24");
            case "missing" -> config.replace("\"n_layer\": 2", "\"n_layer\": 3");
            default -> config.replace("\"n_inner\": 48", "\"n_inner\": 12");
        });
        Files.copy(hf.resolve("model.safetensors"), bad.resolve("model.safetensors"));
        assertThatThrownBy(() -> ModelDirectory.load(bad)).isInstanceOf(FormatException.class).hasMessageContaining(switch (what) {
            case "shape" -> "size mismatch for wte.weight: copying a param with shape [23, 12] from checkpoint, the shape in current "
                    + "model is [24, 12]";
            case "missing" -> "Missing key(s): transformer.h.2.ln_1.weight";
            default -> "size mismatch for h.0.mlp.c_fc.weight (Conv1D, stored [in, out] as [12, 48])";
        });
    }
}
