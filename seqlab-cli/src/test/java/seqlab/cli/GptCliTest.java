package seqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static seqlab.cli.CliTest.assertUserError;
import static seqlab.cli.CliTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.io.Safetensors;
import seqlab.model.Gpt;
import seqlab.model.ModelDirectory;
import seqlab.tensor.Rng;

/** {@code seqlab train --arch gpt}, fine-tuning with --init-from, export --hf, and every command on a GPT. */
class GptCliTest {

    /** A tiny run; a flag in {@code extra} (each followed by its value, or alone) replaces the default one. */
    static String[] tiny(Path out, String... extra) {
        List<String> base = List.of("--data", "builtin:sentences", "--out", out.toString(), "--layers", "1", "--d-model", "16",
                "--heads", "2", "--seq", "16", "--batch", "4", "--steps", "6", "--eval-every", "3", "--eval-batches", "2", "--threads", "1");
        return CliTest.withDefaults(List.of("train", "--arch", "gpt"), base, extra);
    }

    @Test
    void trainsGeneratesEvaluatesResumesAndExports(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("g");
        CliTest.Run r = run(tiny(model, "--beta2", "0.99", "--min-lr", "1e-4", "--grad-accum", "2", "--weight-decay", "0.1",
                "--keep-best"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("adamw (β 0.9, 0.99, ε 1e-8), weight decay 0.1").contains("down to 0.0001 at step 6")
                .contains("2 micro-batches of 4 per step").contains("done: step 6");
        String config = Files.readString(model.resolve("config.json"));
        assertThat(config).contains("\"architecture\": \"gpt2\"").contains("\"n_positions\": 16").contains("\"n_embd\": 16")
                .contains("\"n_inner\": 64").contains("\"activation_function\": \"gelu_new\"").contains("\"positional\": \"learned\"");
        assertThat(Safetensors.open(model.resolve("model.safetensors")).info("transformer.h.0.attn.c_attn.weight").shape())
                .containsExactly(16, 48);                                            // Conv1D's [in, out], as GPT-2 stores it
        assertThat(Files.isDirectory(model.resolve("best"))).isTrue();

        CliTest.Run g = run("generate", "--model", model.toString(), "--prompt", "The ", "--tokens", "40", "--temperature", "0");
        assertThat(g.code()).as(g.err()).isZero();
        assertThat(g.out()).startsWith("The ").hasSizeGreaterThan(40);
        assertThat(g.err()).contains("40 new tokens in").contains("tokens/s");       // past n_positions 16: the window is cropped
        assertUserError(run("generate", "--model", model.toString(), "--prompt", "a".repeat(17)),
                "a prompt of 17 tokens is longer than the model's context window, n_positions 16; give at most 16 tokens");

        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, "The \nA cat\nThe dog sat on\n");
        CliTest.Run batch = run("generate", "--model", model.toString(), "--prompts", prompts.toString(), "--tokens", "12",
                "--temperature", "0");
        assertThat(batch.code()).as(batch.err()).isZero();
        List<String> rows = List.of(batch.out().split("\n\n"));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).startsWith("The ");
        assertThat(rows.get(2)).startsWith("The dog sat on");
        assertThat(batch.err()).contains("3 prompts in one batch");
        CliTest.Run alone = run("generate", "--model", model.toString(), "--prompt", "A cat", "--tokens", "12", "--temperature", "0");
        assertThat(alone.out().strip()).isEqualTo(rows.get(1).strip());                     // a padded row gives what it gives alone
        Files.writeString(prompts, "The \n\nx\n");
        assertUserError(run("generate", "--model", model.toString(), "--prompts", prompts.toString()),
                "line 2 has no tokens; every line is a prompt");

        CliTest.Run e = run("eval", "--model", model.toString(), "--data", "builtin:sentences", "--seq", "64");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("loss").contains("bits per char");

        CliTest.Run info = run("info", model.toString());
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("\"architecture\": \"gpt2\"");

        CliTest.Run resumed = run("train", "--resume", model.toString(), "--steps", "8");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("resuming").contains("done: step 8");

        Path hf = dir.resolve("hf");
        CliTest.Run x = run("export", "--model", model.toString(), "--hf", hf.toString());
        assertThat(x.code()).as(x.err()).isZero();
        assertThat(x.out()).contains("config.json, model.safetensors").contains("the char tokenizer has no Hugging Face form");
        String hfConfig = Files.readString(hf.resolve("config.json"));
        assertThat(hfConfig).contains("\"model_type\": \"gpt2\"").contains("\"GPT2LMHeadModel\"").contains("\"n_ctx\": 16")
                .doesNotContain("architecture\"");
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> exported = (java.util.Map<String, Object>) seqlab.io.Json.parse(hfConfig);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> own = (java.util.Map<String, Object>) seqlab.io.Json.parse(config);
        for (String field : List.of("vocab_size", "n_positions", "n_embd", "n_layer", "n_head", "n_inner", "layer_norm_epsilon",
                "activation_function")) {                                             // every field GPT2Config reads, as trained
            assertThat(String.valueOf(exported.get(field))).as(field).isEqualTo(String.valueOf(own.get(field))).isNotEqualTo("null");
        }
        assertThat(String.valueOf(exported.get("n_ctx"))).isEqualTo(String.valueOf(own.get("n_positions")));
        assertThat(List.of(exported.get("n_layer"), exported.get("n_head"), exported.get("n_embd"), exported.get("n_inner"))
                .toString()).isEqualTo("[1, 2, 16, 64]");                             // tiny()'s --layers, --heads, --d-model; 4 × 16
        assertThat(String.valueOf(exported.get("architectures"))).isEqualTo("[GPT2LMHeadModel]");
        assertThat(String.valueOf(exported.get("tie_word_embeddings"))).isEqualTo("true");
        assertThat(exported).containsKeys("bos_token_id", "eos_token_id", "resid_pdrop", "embd_pdrop", "attn_pdrop");
        assertUserError(run("export", "--model", model.toString(), "--hf", hf.toString()), "exists; use --force");
        Gpt ours = (Gpt) ModelDirectory.loadGenerator(model, "test").model();
        Gpt back = (Gpt) ModelDirectory.loadGenerator(hf, "test").model();           // seqlab reads the Hugging Face directory
        int[] ids = {1, 2, 3, 4, 5};
        assertThat(back.logits(ids, 1, 5, new Rng(0)).data()).isEqualTo(ours.logits(ids, 1, 5, new Rng(0)).data());
        assertUserError(run("generate", "--model", hf.toString(), "--prompt", "a"), "has no tokenizer.json; give the prompt as token ids");
        CliTest.Run byIds = run("generate", "--model", hf.toString(), "--prompt-ids", "1,2,3", "--tokens", "5", "--temperature", "0");
        assertThat(byIds.code()).as(byIds.err()).isZero();
        assertThat(byIds.out().strip()).matches("[0-9]+(,[0-9]+){4}");
        List<String> free = List.of(byIds.out().strip().split(","));
        String second = free.get(1);
        String expected = String.join(",", free.subList(0, free.indexOf(second) + 1));      // up to its first appearance
        CliTest.Run stopped = run("generate", "--model", hf.toString(), "--prompt-ids", "1,2,3", "--tokens", "5", "--temperature", "0",
                "--stop", second);
        assertThat(stopped.code()).as(stopped.err()).isZero();
        assertThat(stopped.out().strip()).isEqualTo(expected);
        CliTest.Run beamed = run("generate", "--model", hf.toString(), "--prompt-ids", "1,2,3", "--tokens", "5", "--beam", "3",
                "--stop", "0");
        assertThat(beamed.code()).as(beamed.err()).isZero();
        assertThat(beamed.out().strip()).matches("[0-9]+(,[0-9]+){0,4}");
        assertThat(beamed.err()).startsWith("seqlab: beam 3: the best of 3 hypotheses");
        CliTest.Run beamOne = run("generate", "--model", hf.toString(), "--prompt-ids", "1,2,3", "--tokens", "5", "--beam", "1",
                "--stop", "0");
        int zero = free.indexOf("0");
        assertThat(beamOne.out().strip()).isEqualTo(String.join(",", zero < 0 ? free : free.subList(0, zero + 1)));   // width 1 is greedy
        assertUserError(run("generate", "--model", hf.toString(), "--prompt-ids", "1", "--beam", "2"),
                "--beam needs a token that ends a text: the model has no eos_token_id; give one with --stop ID");
        assertUserError(run("generate", "--model", hf.toString(), "--prompt-ids", "1", "--beam", "2", "--temperature", "0.5"),
                "--temperature applies to sampling (without --beam) only");
        assertUserError(run("generate", "--model", hf.toString(), "--prompt-ids", "1", "--alpha", "0.5"),
                "--alpha applies to beam search (--beam) only");
        CliTest.Run penalised = run("generate", "--model", hf.toString(), "--prompt-ids", "1,2,3", "--tokens", "5", "--temperature", "0",
                "--repetition-penalty", "1.3");
        assertThat(penalised.code()).as(penalised.err()).isZero();
        assertUserError(run("generate", "--model", hf.toString(), "--prompt-ids", "1", "--repetition-penalty", "0"),
                "--repetition-penalty must be > 0 (1 = off), got 0.0");
        assertUserError(run("generate", "--model", hf.toString(), "--prompt-ids", "1", "--stop", "99999"),
                "--stop 99999 can never be drawn: generation chooses among ids 0 to");
    }

    @Test
    void aBpeModelExportsItsTokenizerAndFineTunes(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "the cat sat on the mat. the dog sat on the log. ".repeat(60) + "caf\u00e9 \u00fcber na\u00efve. ".repeat(20));
        Path tok = dir.resolve("tok");
        assertThat(run("tokenizer", "train", "--data", text.toString(), "--vocab-size", "280", "--out", tok.toString()).code()).isZero();
        Path model = dir.resolve("g");
        CliTest.Run r = run(tiny(model, "--data", text.toString(), "--tokenizer", "bpe:" + tok, "--positional", "learned"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("bpe tokens (vocabulary 280)");
        assertThat(Files.readString(model.resolve("config.json"))).contains("\"eos_token_id\": 279").contains("\"vocab_size\": 280");

        CliTest.Run g = run("generate", "--model", model.toString(), "--tokens", "12", "--temperature", "0");   // from <|endoftext|>
        assertThat(g.code()).as(g.err()).isZero();
        assertThat(g.out()).doesNotContain("\uFFFD");                                // bytes of a character wait for the rest

        Path hf = dir.resolve("hf");
        CliTest.Run x = run("export", "--model", model.toString(), "--hf", hf.toString());
        assertThat(x.code()).as(x.err()).isZero();
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "vocab.json", "merges.txt")) {
            assertThat(hf.resolve(f)).isRegularFile();
        }
        assertThat(Files.readString(hf.resolve("config.json"))).contains("\"bos_token_id\": 279");

        Path tuned = dir.resolve("tuned");
        Path more = dir.resolve("more.txt");
        Files.writeString(more, "the mat sat on the cat. ".repeat(80));
        CliTest.Run f = run("train", "--init-from", hf.toString(), "--data", more.toString(), "--out", tuned.toString(), "--seq", "16",
                "--batch", "4", "--steps", "4", "--eval-every", "2", "--eval-batches", "2", "--threads", "1", "--dropout", "0.1");
        assertThat(f.code()).as(f.err()).isZero();
        assertThat(f.err()).contains("fine-tuning " + hf + " (gpt2,").contains("done: step 4");
        assertThat(Files.readString(tuned.resolve("config.json"))).contains("\"resid_pdrop\": 0.1");
        assertThat(ModelDirectory.readTokenizer(tuned).vocabSize()).isEqualTo(280);

        assertUserError(run("train", "--init-from", hf.toString(), "--data", more.toString(), "--out", dir.resolve("t2").toString(),
                "--seq", "17"), "--seq 17 is above the model's context window, n_positions 16 (" + hf + "); give --seq 16 or less");
        assertUserError(run("train", "--init-from", hf.toString(), "--data", more.toString(), "--out", dir.resolve("t3").toString(),
                "--layers", "3"), "--layers cannot be given with --init-from");
        assertUserError(run("train", "--init-from", dir.resolve("nothing").toString(), "--data", more.toString(), "--out",
                dir.resolve("t4").toString()), "no such model directory");
    }

    @Test
    void aHubLayoutDirectoryFineTunesWithInitFrom(@TempDir Path dir) throws Exception {
        // The fixture as the hub stores GPT-2: no "transformer." prefix, attn.bias mask buffers, no tie_word_embeddings
        // (tied). It has no tokenizer; a char tokenizer of its 23 ids is added to a copy, as a user would.
        Path hub = Path.of("..", "seqlab-core", "src", "test", "resources", "fixtures", "gpt2_tied");
        Path copy = Files.createDirectory(dir.resolve("hub"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(hub.resolve(f), copy.resolve(f));
        }
        String chars = "abcdefghijklmnopqrstuv ";
        StringBuilder vocab = new StringBuilder();
        for (char ch : chars.toCharArray()) {
            vocab.append(vocab.isEmpty() ? "" : ", ").append('"').append(ch).append('"');
        }
        Files.writeString(copy.resolve("tokenizer.json"), "{\"type\": \"char\", \"vocab\": [" + vocab + "]}\n");
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "a quick brown fox jumps over the lazy dog ".replace("x", "ks").replace("y", "i").replace("w", "u")
                .replace("z", "s").repeat(60));
        Path tuned = dir.resolve("tuned");
        CliTest.Run f = run("train", "--init-from", copy.toString(), "--data", text.toString(), "--out", tuned.toString(), "--seq", "16",
                "--batch", "8", "--steps", "60", "--lr", "1e-3", "--eval-every", "60", "--eval-batches", "4", "--threads", "1");
        assertThat(f.code()).as(f.err()).isZero();
        assertThat(f.err()).contains("fine-tuning " + copy + " (gpt2,").contains("done: step 60");
        List<String> log = Files.readAllLines(tuned.resolve("log.csv"));
        double firstTrain = Double.parseDouble(log.get(1).split(",")[2]);
        double lastVal = Double.parseDouble(log.get(log.size() - 1).split(",")[3]);
        assertThat(lastVal).as("the loss falls").isLessThan(firstTrain - 0.1);         // seen: 3.136 to 2.965
        Safetensors.File saved = Safetensors.open(tuned.resolve("model.safetensors"));
        assertThat(saved.tensors().keySet()).noneMatch(k -> k.endsWith(".attn.bias") || k.endsWith(".attn.masked_bias"))
                .contains("transformer.wte.weight", "transformer.h.1.mlp.c_proj.weight");
        Safetensors.File original = Safetensors.open(hub.resolve("model.safetensors"));
        float[] before = original.floats("h.0.attn.c_attn.weight");
        assertThat(saved.floats("transformer.h.0.attn.c_attn.weight")).hasSameSizeAs(before).isNotEqualTo(before);
        // Training began from the hub's weights, not a fresh init: the gain furthest from 1 (a fresh init's value) is still
        // nearer the hub's value than 1 after 60 AdamW steps of lr 1e-3.
        float[] gainBefore = original.floats("h.0.ln_1.weight");
        float[] gainAfter = saved.floats("transformer.h.0.ln_1.weight");
        int far = 0;
        for (int i = 0; i < gainBefore.length; i++) {
            far = Math.abs(gainBefore[i] - 1) > Math.abs(gainBefore[far] - 1) ? i : far;
        }
        assertThat(Math.abs(gainBefore[far] - 1)).isGreaterThan(0.12f);
        assertThat(Math.abs(gainAfter[far] - gainBefore[far])).isLessThan(Math.abs(gainAfter[far] - 1));
        String config = Files.readString(tuned.resolve("config.json"));
        assertThat(config).contains("\"n_embd\": 12").contains("\"n_layer\": 2").contains("\"activation_function\": \"gelu_new\"");
        CliTest.Run g = run("generate", "--model", tuned.toString(), "--prompt", "a quick ", "--tokens", "8", "--temperature", "0");
        assertThat(g.code()).as(g.err()).isZero();
        assertThat(g.out()).startsWith("a quick ").hasSizeGreaterThanOrEqualTo(16);
    }

    @Test
    void forwardOnAHuggingFaceDirectoryGivesPyTorchsLogits(@TempDir Path dir) {
        Path fixtures = Path.of("..", "seqlab-core", "src", "test", "resources", "fixtures");
        Path out = dir.resolve("logits.safetensors");
        CliTest.Run r = run("forward", "--model", fixtures.resolve("gpt2_tied").toString(), "--input",
                fixtures.resolve("gpt2_tied.safetensors").toString(), "--output", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        float[] want = Safetensors.open(fixtures.resolve("gpt2_tied.safetensors")).floats("logits");
        float[] got = Safetensors.open(out).floats("logits");
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("logit %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-4 + 1e-4 * Math.abs(want[i])));
        }
    }

    /** Records what has reached it at each flush; after {@code failAfter} flushes every write fails (a reader that went away). */
    static final class Flushes extends java.io.OutputStream {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        final List<String> seen = new java.util.ArrayList<>();
        final int failAfter;

        Flushes(int failAfter) {
            this.failAfter = failAfter;
        }

        int refused;                                                                // writes after the reader went

        @Override
        public void write(int b) throws java.io.IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            if (seen.size() >= failAfter) {
                refused++;
                throw new java.io.IOException("Broken pipe");
            }
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            seen.add(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** generate writes and flushes each token as it is chosen, and stops when the reader goes away (| head), exit 0. */
    @Test
    void generateStreamsEachTokenAndStopsWhenTheReaderGoes() {
        Path hub = Path.of("..", "seqlab-core", "src", "test", "resources", "fixtures", "gpt2_tied");
        String[] args = {"generate", "--model", hub.toString(), "--prompt-ids", "1,2,3", "--tokens", "12", "--temperature", "0"};
        Flushes all = new Flushes(Integer.MAX_VALUE);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        assertThat(Main.run(args, new java.io.PrintStream(all, false, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8))).isZero();
        String line = all.bytes.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
        assertThat(line.split(",")).hasSize(12);
        List<String> tokens = all.seen.stream().map(String::strip).filter(x -> !x.isEmpty()).distinct().toList();
        for (int t = 1; t <= 12; t++) {                                             // a flush after each token, the ids so far
            assertThat(tokens).as("flushed after token %d", t).contains(String.join(",", java.util.Arrays.copyOf(line.split(","), t)));
        }
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("12 new tokens").contains("tokens/s");

        Flushes head = new Flushes(3);                                              // the reader takes 3 flushes, then goes
        java.io.ByteArrayOutputStream err2 = new java.io.ByteArrayOutputStream();
        assertThat(Main.run(args, new java.io.PrintStream(head, false, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err2, true, java.nio.charset.StandardCharsets.UTF_8))).isZero();
        assertThat(head.refused).as("writes refused before the generation stopped (12 tokens asked for)").isBetween(1, 2);
        assertThat(err2.toString(java.nio.charset.StandardCharsets.UTF_8)).isEmpty();
    }

    /** A Hugging Face directory whose weights do not fit its config.json: the tensor, both shapes, one line, exit code 2. */
    @Test
    void aCheckpointThatDoesNotFitItsConfigIsNamedByTensor(@TempDir Path dir) throws java.io.IOException {
        Path fixtures = Path.of("..", "seqlab-core", "src", "test", "resources", "fixtures");
        Path bad = dir.resolve("bad-gpt2");
        java.nio.file.Files.createDirectories(bad);
        java.nio.file.Files.writeString(bad.resolve("config.json"), java.nio.file.Files.readString(fixtures.resolve("gpt2_tied")
                .resolve("config.json")).replace("\"vocab_size\": 23", "\"vocab_size\": 24"));
        java.nio.file.Files.copy(fixtures.resolve("gpt2_tied").resolve("model.safetensors"), bad.resolve("model.safetensors"));
        String want = "size mismatch for wte.weight: copying a param with shape [23, 12] from checkpoint, the shape in current model is [24, 12]";
        assertUserError(run("forward", "--model", bad.toString(), "--input", fixtures.resolve("gpt2_tied.safetensors").toString(),
                "--output", dir.resolve("out.safetensors").toString()), want);
        assertUserError(run("generate", "--model", bad.toString(), "--prompt-ids", "1,2", "--tokens", "3"), want);
    }

    @Test
    void badFlagsAndModelsSayWhatToChange(@TempDir Path dir) {
        assertUserError(run(tiny(dir.resolve("a"), "--tie")), "--tie applies to recurrent language models");
        assertUserError(run(tiny(dir.resolve("b"), "--positional", "sinusoidal")), "--positional must be learned or rotary for GPT");
        assertUserError(run(tiny(dir.resolve("c"), "--heads", "3")), "--d-model 16 is not divisible by --heads 3");
        assertUserError(run(tiny(dir.resolve("d"), "--max-positions", "8")),
                "--seq 16 is above the model's context window, n_positions 8; give --seq 8 or less, or --max-positions 16");
        assertUserError(run(tiny(dir.resolve("e"), "--norm-first")), "--norm-first applies to Transformer models (--arch transformer)");
        assertUserError(run(tiny(dir.resolve("f"), "--hidden", "8")), "--hidden applies to recurrent models");
        assertUserError(run(tiny(dir.resolve("g"), "--tokenizer", "bpe:")), "--tokenizer must be char, word, bpe:PATH or gpt2");
        assertUserError(run(tiny(dir.resolve("h"), "--tokenizer", "bpe:" + dir.resolve("none"))), "none");
        assertUserError(run(tiny(dir.resolve("h2"), "--tokenizer", "gpt2")), "--tokenizer gpt2: GPT-2's encoder.json and vocab.bpe are not in");
        assertUserError(run(tiny(dir.resolve("i"), "--beta2", "1")), "--beta2 must be in [0, 1), got 1.0");
        assertUserError(run(tiny(dir.resolve("j"), "--min-lr", "1")), "--min-lr must be in [0, --lr 0.002], got 1.0");
        assertUserError(run(tiny(dir.resolve("k"), "--grad-accum", "0")), "--grad-accum must be >= 1, got 0");
        assertUserError(run(tiny(dir.resolve("l"), "--optimizer", "sgd", "--beta2", "0.9")), "--beta2 applies to --optimizer adam or adamw");
        assertUserError(run("train", "--arch", "seq2seq", "--grad-accum", "2", "--out", dir.resolve("m").toString()),
                "--grad-accum applies to language models");

        Path rotary = dir.resolve("rotary");
        assertThat(run(tiny(rotary, "--positional", "rotary", "--steps", "2")).code()).isZero();
        assertUserError(run("export", "--model", rotary.toString(), "--hf", dir.resolve("x").toString()),
                "this model has rotary positions, which Hugging Face's GPT-2 does not have");
        Path lstm = dir.resolve("lstm");
        assertThat(run(CliTest.tinyTrain(lstm)).code()).isZero();
        assertUserError(run("export", "--model", lstm.toString(), "--hf", dir.resolve("y").toString()),
                "a rnn-lm model has no Hugging Face form here; only GPT models (--arch gpt) export with --hf");
        assertThat(dir.resolve("x")).doesNotExist();
    }
}
