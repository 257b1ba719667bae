package seqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static seqlab.cli.CliTest.assertUserError;
import static seqlab.cli.CliTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.io.Safetensors;
import seqlab.model.ModelDirectory;
import seqlab.model.Transformer;
import seqlab.tensor.Rng;

/** {@code seqlab train --arch transformer} and every command on the model it saves. */
class TransformerCliTest {

    /** A tiny run; a flag in {@code extra} (each followed by its value) replaces the default one. */
    static String[] tiny(Path out, String... extra) {
        List<String> base = List.of("--data", "builtin:reverse", "--out", out.toString(), "--layers", "1", "--d-model", "16",
                "--heads", "2", "--ffn", "24", "--batch", "16", "--steps", "6", "--eval-every", "3", "--threads", "1", "--max-positions", "24");
        return CliTest.withDefaults(List.of("train", "--arch", "transformer"), base, extra);
    }

    @Test
    void trainsTranslatesEvaluatesAndResumes(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("t");
        CliTest.Run r = run(tiny(model, "--decoder-layers", "2", "--positional", "rotary", "--norm-first", "--activation", "gelu",
                "--label-smoothing", "0.1", "--schedule", "inverse-sqrt", "--warmup", "3"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("model: transformer, 1 + 2 layers (pre-LN, gelu), d_model 16, 2 heads, feed-forward 24, rotary positions")
                .contains("label smoothing 0.1").contains("inverse-sqrt: warm-up 3 steps");
        String config = Files.readString(model.resolve("config.json"));
        assertThat(config).contains("\"architecture\": \"transformer\"").contains("\"num_decoder_layers\": 2")
                .contains("\"positional\": \"rotary\"").contains("\"max_positions\": 24").contains("\"dropout\": 0.1");
        assertThat(Files.readString(model.resolve("checkpoints/step-00000006/trainer.json"))).contains("\"label_smoothing\": 0.1");

        CliTest.Run t = run("translate", "--model", model.toString(), "--text", "1234", "--beam", "3");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out().strip()).matches("[0-9]+");
        Path map = dir.resolve("map.svg");
        CliTest.Run m = run("translate", "--model", model.toString(), "--text", "1234", "--attention-map", map.toString(), "--layer", "0");
        assertThat(m.code()).as(m.err()).isZero();
        assertThat(Files.readString(map)).contains("cross-attention of decoder layer 0: 1234").contains("head 0").contains("head 1");
        assertUserError(run("translate", "--model", model.toString(), "--text", "1234", "--attention-map", dir.resolve("m2.svg").toString(),
                "--layer", "2"), "--layer 2 does not exist: the model's decoder has 2 layers (0 … 1)");

        CliTest.Run e = run("eval", "--model", model.toString(), "--batch", "64");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("BLEU-4 (greedy, corpus)").contains("perplexity, free-running");

        CliTest.Run info = run("info", model.toString());
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("\"architecture\": \"transformer\"");

        CliTest.Run resumed = run("train", "--resume", model.toString(), "--steps", "9");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("resuming").contains("done: step 9");
    }

    @Test
    void forwardTakesInputIdsAndDecoderInputIds(@TempDir Path dir) {
        Path model = dir.resolve("t");
        assertThat(run(tiny(model)).code()).isZero();
        Path in = dir.resolve("in.safetensors");
        Map<String, Safetensors.Entry> t = new java.util.LinkedHashMap<>();
        t.put("input_ids", Safetensors.Entry.i64(new long[] {5, 6, 7, 3, 8, 3, 0, 0}, 2, 4));
        t.put("attention_mask", Safetensors.Entry.i64(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, 2, 4));
        t.put("decoder_input_ids", Safetensors.Entry.i64(new long[] {2, 5, 6, 2, 9, 4}, 2, 3));
        Safetensors.write(in, t, Map.of());
        Path out = dir.resolve("out.safetensors");
        CliTest.Run r = run("forward", "--model", model.toString(), "--input", in.toString(), "--output", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        ModelDirectory.Loaded.Translator l = ModelDirectory.loadTranslator(model, "test");
        assertThat(l.model()).isInstanceOf(Transformer.class);
        seqlab.data.Seq2SeqBatch b = new seqlab.data.Seq2SeqBatch(new int[] {5, 6, 7, 3, 8, 3, 0, 0}, new int[] {4, 2},
                new int[] {2, 5, 6, 2, 9, 4}, new int[] {-100, -100, -100, -100, -100, -100}, 2, 4, 3);
        float[] want = l.model().module().inference(() -> l.model().logits(b, new Rng(0))).data();
        assertThat(Safetensors.open(out).floats("logits")).containsExactly(want);
        t.remove("decoder_input_ids");
        Safetensors.write(in, t, Map.of());
        assertUserError(run("forward", "--model", model.toString(), "--input", in.toString(), "--output", dir.resolve("o2").toString()),
                "no tensor named decoder_input_ids");
    }

    @Test
    void badSettingsAreOneLine(@TempDir Path dir) {
        assertUserError(run(tiny(dir.resolve("a"), "--heads", "3")), "--d-model 16 is not divisible by --heads 3; choose --heads dividing --d-model (e.g. 2)");
        assertUserError(run(tiny(dir.resolve("b"), "--positional", "alibi")), "--positional \"alibi\" is not one of sinusoidal, learned, rotary, none");
        assertUserError(run(tiny(dir.resolve("c"), "--activation", "swish")), "--activation \"swish\" is not one of relu, gelu, gelu_new");
        assertUserError(run(tiny(dir.resolve("d"), "--cell", "lstm")), "--cell applies to seq2seq models (--arch seq2seq) only; drop it");
        assertUserError(run(tiny(dir.resolve("e"), "--hidden", "32")), "--hidden applies to recurrent models");
        assertUserError(run(tiny(dir.resolve("f"), "--teacher-forcing", "0.5")), "--teacher-forcing applies to seq2seq models");
        assertUserError(run("train", "--arch", "lstm", "--d-model", "64", "--out", dir.resolve("g").toString()),
                "--d-model applies to Transformer models (--arch transformer or gpt) only; drop it");
        assertUserError(run("train", "--arch", "lstm", "--label-smoothing", "0.1", "--out", dir.resolve("h").toString()),
                "--label-smoothing applies to translation models (--arch seq2seq or transformer) only; drop it");
        assertUserError(run(tiny(dir.resolve("i"), "--positional", "rotary", "--d-model", "18", "--heads", "2")), "rotary positions need an even head size");
        assertUserError(run(tiny(dir.resolve("j"), "--label-smoothing", "1")), "--label-smoothing must be in [0, 1)");
        Path learned = dir.resolve("k");
        assertThat(run(tiny(learned, "--positional", "learned", "--max-positions", "8")).code()).isZero();
        assertUserError(run("translate", "--model", learned.toString(), "--text", "1234567890"),
                "--text has 11 tokens with <eos>, more than the model's limit of 8 (max_positions in");
    }
}
