package seqlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.data.Seq2SeqBatch;
import seqlab.io.Safetensors;
import seqlab.model.ModelDirectory;
import seqlab.model.Seq2Seq;
import seqlab.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;
import static seqlab.cli.CliTest.assertUserError;
import static seqlab.cli.CliTest.run;

/** train --arch seq2seq, translate and eval as a user meets them, and their bad inputs. */
class Seq2SeqCliTest {

    @TempDir
    static Path dir;

    static Path model;
    static Path shallow;

    static String[] tiny(Path out, String attention, String... extra) {
        boolean data = java.util.Arrays.asList(extra).contains("--data");
        String[] base = {"train", "--arch", "seq2seq", "--data", "builtin:reverse", "--attention", attention,
                "--out", out.toString(), "--layers", "1", "--hidden", "16", "--embed", "8", "--batch", "16", "--steps", "6",
                "--eval-every", "3", "--threads", "1", "--max-length", "20"};
        java.util.List<String> all = new java.util.ArrayList<>(java.util.Arrays.asList(base));
        if (data) {
            all.subList(3, 5).clear();                                                  // the caller's --data replaces the default
        }
        all.addAll(java.util.Arrays.asList(extra));
        return all.toArray(new String[0]);
    }

    @BeforeAll
    static void trainTinyModels() {
        model = dir.resolve("rev");
        CliTest.Run r = run(tiny(model, "bahdanau", "--bidirectional"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("builtin:reverse: 20,000 training pairs").contains("attention bahdanau").contains("done: step 6");
        shallow = dir.resolve("none");
        assertThat(run(tiny(shallow, "none")).code()).isZero();
    }

    @Test
    void translatePrintsOneLineAndDrawsTheAttention() throws IOException {
        CliTest.Run r = run("translate", "--model", model.toString(), "--text", "123");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(1);
        assertThat(r.out().strip()).matches("([0-9]|<unk>)*");                               // 6 steps: not learnt yet
        Path svg = dir.resolve("att.svg");
        CliTest.Run beam = run("translate", "--model", model.toString(), "--text", "4567", "--beam", "4", "--attention-map", svg.toString());
        assertThat(beam.code()).as(beam.err()).isZero();
        String s = Files.readString(svg);
        assertThat(s).startsWith("<svg").contains(">4<").contains(">&lt;eos&gt;<");
        assertUserError(run("translate", "--model", model.toString(), "--text", "45", "--attention-map", svg.toString()), "exists; use --force");
    }

    @Test
    void samplingIsSeeded() {
        String[] a = {"translate", "--model", model.toString(), "--text", "98765", "--temperature", "1.5", "--seed", "7"};
        CliTest.Run first = run(a);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(run(a).out()).isEqualTo(first.out());
    }

    @Test
    void unknownWordsAreSaidOnceAndReadAsUnk() {
        CliTest.Run r = run("translate", "--model", model.toString(), "--text", "1x2xy");
        assertThat(r.code()).isZero();
        assertThat(r.err().lines().toList()).containsExactly(
                "seqlab: 2 source tokens are not in the model's vocabulary and will be read as <unk>: x y");
    }

    @Test
    void evalReportsBleuAccuracyAndBothPerplexities() {
        CliTest.Run r = run("eval", "--model", model.toString(), "--split", "val");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("builtin:reverse, val split, 1,000 pairs").contains("BLEU-4 (greedy, corpus)")
                .contains("exact match").contains("token accuracy").contains("perplexity, teacher-forced")
                .contains("perplexity, free-running").contains("BLEU by source length");
        CliTest.Run beam = run("eval", "--model", model.toString(), "--split", "val", "--beam", "3");
        assertThat(beam.code()).as(beam.err()).isZero();
        assertThat(beam.out()).contains("BLEU-4 (beam 3, corpus)");
        assertUserError(run("eval", "--model", model.toString(), "--beam", "0"), "--beam must be >= 1");
    }

    @Test
    void resumeContinuesASeq2SeqRun() {
        CliTest.Run r = run("train", "--resume", model.toString(), "--steps", "9", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("resuming").contains("from step 6").contains("done: step 9");
        assertUserError(run("train", "--resume", model.toString(), "--steps", "12", "--attention", "none"),
                "--attention cannot be given with --resume");
    }

    @Test
    void forwardTakesDecoderInputIdsAndAnAttentionMask() {
        Path in = dir.resolve("fwd.safetensors");
        Path out = dir.resolve("fwd-out.safetensors");
        long[] src = {5, 6, 7, 3, 8, 3, 0, 0};                                          // two sources, the second padded
        long[] dec = {2, 5, 6, 2, 9, 4};
        java.util.Map<String, Safetensors.Entry> t = new java.util.LinkedHashMap<>();
        t.put("input_ids", Safetensors.Entry.i64(src, 2, 4));
        t.put("attention_mask", Safetensors.Entry.i64(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, 2, 4));
        t.put("decoder_input_ids", Safetensors.Entry.i64(dec, 2, 3));
        Safetensors.write(in, t, java.util.Map.of());
        CliTest.Run r = run("forward", "--model", model.toString(), "--input", in.toString(), "--output", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        float[] logits = Safetensors.open(out).floats("logits");
        assertThat(Safetensors.open(out).info("logits").intShape()).containsExactly(2, 3,
                ModelDirectory.loadTranslator(model, "test").tokenizer().target().size());

        ModelDirectory.Loaded.Translator l = ModelDirectory.loadTranslator(model, "test");
        int[] s = {5, 6, 7, 3, 8, 3, 0, 0};
        int[] d = {2, 5, 6, 2, 9, 4};
        int[] ignore = {-100, -100, -100, -100, -100, -100};
        Seq2SeqBatch b = new Seq2SeqBatch(s, new int[] {4, 2}, d,
                ignore, 2, 4, 3);
        Seq2Seq m = (Seq2Seq) l.model();
        float[] expected = m.inference(() -> m.forward(b, 1.0, new Rng(0), new Rng(0)).logits()).data();
        assertThat(logits).containsExactly(expected);

        t.remove("decoder_input_ids");
        Safetensors.write(in, t, java.util.Map.of());
        assertUserError(run("forward", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(), "--force"),
                "no tensor named decoder_input_ids");
        t.put("decoder_input_ids", Safetensors.Entry.i64(new long[] {2, 5, 6}, 1, 3));
        Safetensors.write(in, t, java.util.Map.of());
        assertUserError(run("forward", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(), "--force"),
                "decoder_input_ids has 1 rows, input_ids 2");
        t.put("decoder_input_ids", Safetensors.Entry.i64(dec, 2, 3));
        t.put("attention_mask", Safetensors.Entry.i64(new long[] {1, 0, 1, 1, 1, 1, 0, 0}, 2, 4));
        Safetensors.write(in, t, java.util.Map.of());
        assertUserError(run("forward", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(), "--force"),
                "attention_mask row 0 is not 1s followed by 0s");
    }

    @Test
    void demoTrainsTheDateTranslatorAndDrawsItsAttention() {
        Path out = dir.resolve("demo");
        CliTest.Run r = run("demo", "--steps", "10", "--out", out.toString(), "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Bahdanau attention").contains("after 10 steps").contains("unseen dates")
                .contains("Saturday, 14th of February 2009").contains("attention.svg");
        assertThat(out.resolve("attention.svg")).exists();
        assertThat(out.resolve("config.json")).exists();
    }

    @Test
    void trainsOnTwoAlignedFiles() throws IOException {
        StringBuilder de = new StringBuilder();
        StringBuilder en = new StringBuilder();
        String[] words = {"hund", "katze", "maus", "haus"};
        String[] english = {"dog", "cat", "mouse", "house"};
        for (int i = 0; i < 40; i++) {
            de.append("ein ").append(words[i % 4]).append(' ').append(words[(i / 4) % 4]).append('\n');
            en.append("a ").append(english[i % 4]).append(' ').append(english[(i / 4) % 4]).append('\n');
        }
        Path src = Files.writeString(dir.resolve("tiny.de"), de);
        Path tgt = Files.writeString(dir.resolve("tiny.en"), en);
        Path out = dir.resolve("aligned");
        CliTest.Run r = run(tiny(out, "bahdanau", "--data", "aligned:" + src + "," + tgt));
        assertThat(r.code()).as(r.err()).isZero();
        CliTest.Run t = run("translate", "--model", out.toString(), "--text", "ein hund katze");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out().strip()).isNotEmpty();
    }

    @Test
    void badTranslations() {
        String m = model.toString();
        assertUserError(run("translate", "--model", m, "--text", ""), "--text is empty");
        assertUserError(run("translate", "--model", m, "--text", "   "), "--text is empty");
        assertUserError(run("translate", "--model", m, "--text", "1234", "--beam", "0"), "--beam must be >= 1");
        assertUserError(run("translate", "--model", m, "--text", "1234", "--beam", "3", "--alpha", "-1"), "--alpha must be >= 0");
        assertUserError(run("translate", "--model", m, "--text", "1234", "--beam", "3", "--temperature", "0.8"), "does not combine");
        assertUserError(run("translate", "--model", m, "--text", "1234", "--temperature", "-1"), "temperature");
        assertUserError(run("translate", "--model", m, "--text", "123456789012345678901234567890"),
                "--text has 31 tokens with <eos>, more than the model's limit of 20");
    }

    @Test
    void wrongKindsOfModelAndData() throws IOException {
        assertUserError(run("translate", "--model", shallow.toString(), "--text", "12", "--attention-map", dir.resolve("n.svg").toString()),
                "does not attend over the source");
        assertUserError(run(tiny(dir.resolve("x1"), "luong-dot", "--bidirectional")), "use luong-general");
        assertUserError(run(tiny(dir.resolve("x2"), "soft")), "--attention: unknown attention 'soft'");
        assertUserError(run(tiny(dir.resolve("x3"), "none", "--cell", "tcn")), "--cell must be rnn, rnn_relu, lstm or gru, got tcn");
        assertUserError(run(tiny(dir.resolve("x4"), "none", "--teacher-forcing", "1.5")), "--teacher-forcing must be in [0, 1]");
        assertUserError(run(tiny(dir.resolve("x5"), "none", "--data", "builtin:poems")), "unknown built-in task");
        Path m = Files.createDirectories(dir.resolve("m30k"));
        Files.writeString(m.resolve("train.de"), "ein hund\nzwei katzen\n");
        Files.writeString(m.resolve("train.en"), "a dog\n");
        assertUserError(run(tiny(dir.resolve("x6"), "none", "--data", "multi30k:" + m)), "train.de has 2 lines");
        assertThat(dir.resolve("x6")).doesNotExist();
        assertUserError(run(tiny(dir.resolve("x7"), "none", "--data", "aligned:" + m.resolve("train.de") + "," + m.resolve("train.en"))),
                "train.de has 2 lines, " + m.resolve("train.en") + " has 1");
        assertUserError(run(tiny(dir.resolve("x8"), "none", "--data", "aligned:" + m.resolve("train.de"))),
                "expected aligned:SOURCE,TARGET");
        assertUserError(run("generate", "--model", model.toString(), "--prompt", "a"), "generate needs a language model");
        Path lm = dir.resolve("lm");
        assertThat(run(CliTest.tinyTrain(lm)).code()).isZero();
        assertUserError(run("translate", "--model", lm.toString(), "--text", "a"), "translate needs a translation model");
        assertUserError(run("eval", "--model", lm.toString()), "--data is required for a language model");
    }
}
