package seqlab.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import seqlab.io.Safetensors;
import seqlab.model.ModelDirectory;
import seqlab.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line as a user meets it: every command on good input, and every kind of bad input
 * answered with exactly one line on stderr, exit code 2, no stack trace and no half-written file.
 */
class CliTest {

    @TempDir
    static Path dir;

    static Path model;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Exit 2, one line on stderr starting "seqlab: " and containing {@code text}, no stack trace. */
    static void assertUserError(Run r, String text) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(2);
        assertThat(r.err().lines().toList()).as("stderr lines").hasSize(1);
        assertThat(r.err()).startsWith("seqlab: ").contains(text).doesNotContain("\tat ").doesNotContain("Exception");
    }

    /** {@code head}, then each flag of {@code defaults} (flag, value pairs) the {@code given} flags do not name, then {@code given}. */
    static String[] withDefaults(java.util.List<String> head, java.util.List<String> defaults, String... given) {
        java.util.List<String> named = java.util.Arrays.asList(given);
        java.util.List<String> all = new java.util.ArrayList<>(head);
        for (int i = 0; i < defaults.size(); i += 2) {
            if (!named.contains(defaults.get(i))) {
                all.add(defaults.get(i));
                all.add(defaults.get(i + 1));
            }
        }
        all.addAll(named);
        return all.toArray(new String[0]);
    }

    static String[] tinyTrain(Path out, String... extra) {
        String[] base = {"train", "--arch", "gru", "--data", "builtin:sentences", "--out", out.toString(), "--layers", "1",
                "--hidden", "16", "--embed", "8", "--seq", "16", "--batch", "4", "--steps", "6", "--eval-every", "3",
                "--eval-batches", "2", "--threads", "1"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @BeforeAll
    static void trainATinyModel() {
        model = dir.resolve("model");
        Run r = run(tinyTrain(model));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("step 6/6").contains("done: step 6");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "log.csv"}) {
            assertThat(model.resolve(f)).exists();
        }
    }

    @Test
    void logHasARowPerStep() throws IOException {
        assertThat(Files.readAllLines(model.resolve("log.csv"))).hasSize(7).first().isEqualTo("step,lr,train_loss,val_loss,tokens_per_s,elapsed_s");
    }

    @Test
    void trainingOverAnExistingRunIsRefusedAndResumeContinues() {
        assertUserError(run(tinyTrain(model)), "already holds a run");
        Path copy = dir.resolve("resumable");
        assertThat(run(tinyTrain(copy)).code()).isZero();
        Run r = run("train", "--resume", copy.toString(), "--steps", "9", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("resuming").contains("from step 6").contains("done: step 9");
        assertUserError(run("train", "--resume", copy.toString(), "--hidden", "32"), "--hidden cannot be given with --resume");
        assertUserError(run("train", "--resume", dir.resolve("nothing").toString()), "no such run directory");
    }

    @Test
    void generateStreamsTextFromThePrompt() {
        Run r = run("generate", "--model", model.toString(), "--prompt", "The ", "--tokens", "20", "--seed", "3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("The ");
        assertThat(r.out().length()).isGreaterThanOrEqualTo(24);
        Run again = run("generate", "--model", model.toString(), "--prompt", "The ", "--tokens", "20", "--seed", "3");
        assertThat(again.out()).isEqualTo(r.out());
        Run greedy = run("generate", "--model", model.toString(), "--prompt", "A", "--tokens", "5", "--temperature", "0");
        assertThat(greedy.code()).isZero();
    }

    @Test
    void evalAndInfoReport() {
        Run e = run("eval", "--model", model.toString(), "--data", "builtin:sentences", "--seq", "64");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("perplexity").contains("bits per char");
        Run i = run("info", model.toString());
        assertThat(i.code()).as(i.err()).isZero();
        assertThat(i.out()).contains("\"architecture\": \"rnn-lm\"").contains("rnn.weight_ih_l0").contains("parameters:");
        Run f = run("info", model.resolve("model.safetensors").toString());
        assertThat(f.out()).contains("decoder.bias").contains("F32");
    }

    @Test
    void forwardWritesLogitsThatMatchTheLibrary() throws IOException {
        Path in = dir.resolve("ids.safetensors");
        long[] ids = {1, 2, 3, 4, 5, 6};
        Safetensors.write(in, Map.of("input_ids", Safetensors.Entry.i64(ids, 2, 3)), Map.of());
        Path out = dir.resolve("logits.safetensors");
        Run r = run("forward", "--model", model.toString(), "--input", in.toString(), "--output", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Safetensors.File f = Safetensors.open(out);
        ModelDirectory.Loaded.Generator m = ModelDirectory.loadGenerator(model, "test");
        int v = m.model().vocabSize();
        assertThat(f.info("logits").shape()).containsExactly(2, 3, v);
        assertThat(f.floats("logits")).isEqualTo(m.model().logits(new int[] {1, 2, 3, 4, 5, 6}, 2, 3, new Rng(0)).data());
        assertUserError(run("forward", "--model", model.toString(), "--input", in.toString(), "--output", out.toString()), "exists; use --force");
    }

    @Test
    void forwardRejectsBadInputTensorsAndWritesNothing() {
        Path out = dir.resolve("never.safetensors");
        Object[][] cases = {
                {Map.of("input_ids", Safetensors.Entry.f32(new float[] {1, 2}, 1, 2)), "dtype F32, expected an integer"},
                {Map.of("input_ids", Safetensors.Entry.i64(new long[] {1, 2}, 2)), "expected [batch, time]"},
                {Map.of("input_ids", Safetensors.Entry.i64(new long[] {1, 9999}, 1, 2)), "input_ids[0, 1] = 9999 is out of range"},
                {Map.of("tokens", Safetensors.Entry.i64(new long[] {1}, 1, 1)), "no tensor named input_ids"}};
        int k = 0;
        for (Object[] c : cases) {
            Path in = dir.resolve("bad" + k++ + ".safetensors");
            @SuppressWarnings("unchecked")
            Map<String, Safetensors.Entry> t = (Map<String, Safetensors.Entry>) c[0];
            Safetensors.write(in, t, Map.of());
            assertUserError(run("forward", "--model", model.toString(), "--input", in.toString(), "--output", out.toString()), (String) c[1]);
            assertThat(out).doesNotExist();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "train --frobnicate|Unknown option: '--frobnicate'",
            "train --hidden 16 --hidden 8|option '--hidden' should be specified only once",
            "train --hidden 0 --out x|hidden_size must be > 0, got 0",
            "train --steps -1 --out x|--steps must be >= 0, got -1",
            "train --hidden many|Invalid value for option '--hidden'",
            "train --arch bert --out x|--arch must be rnn, rnn_relu, lstm or gru (or gpt, seq2seq, transformer), got bert",
            "train --dropout 1.5 --out x|dropout must be in [0, 1)",
            "train --tie --out x|tie_weights needs hidden_size == embedding_size",
            "train --data builtin:poems --out x|unknown built-in corpus",
            "train --data /no/such/file.txt --out x|no such file",
            "train --threads 0 --out x|--threads must be >= 1",
            "generate --model /no/such/dir|no such model directory",
            "generate|Missing required option: '--model=<model>'",
            "bench --workload W11|not available in seqlab bench",
            "bench --workload W8 --seq 64|--seq applies to --workload W10 only; drop it",
            "bench --workload W8 --attention fused|--attention applies to --workload W10 only; drop it",
            "bench --workload W10 --attention flash|--attention must be fused or materialising, got 'flash'",
            "bench --workload W10 --seq 0|--seq lengths must be 1 to 65536, got 0",
            "bench --workload W1,W10 --seq 8192 --attention materialising|--seq 8192 with --attention materialising needs (4, 8, 8192, 8192) weights",
            "bench --workload W10 --seq 4,many|Invalid value for option '--seq'",
            "bench --workload W1 --paired 1|--paired times --workload W8 alone, got --workload W1",
            "bench --workload W8 --paired 0|--paired must be a number of seconds in (0, 600], got 0.0",
            "bench --workload W8 --paired NaN|--paired must be a number of seconds in (0, 600], got NaN",
            "bench --workload W8 --paired 1 --steps 5|--steps does not apply with --paired",
            "bench --workload W8 --paired soon|Invalid value for option '--paired'",
            "info /no/such/file|no such file or directory",
            "frobnicate|Unmatched argument",
            "lab nosuch|unknown experiment 'nosuch'",
            "lab long-memory --out /dev/null/lab|--out /dev/null/lab: /dev/null is not a directory",
            "lab|name an experiment: one of [vanishing-gradients, long-memory, bottleneck, teacher-forcing, rnn-vs-lstm-vs-gru, attention-cost, positional-encoding, parallel-vs-sequential, transformer-vs-lstm-lm]"})
    void badFlagsAndValues(String args, String message) {
        assertUserError(run(args.split(" ")), message);
    }

    @Test
    void benchGivesTheGptStepsModelFlopsUtilisation() {
        Run r = run("bench", "--workload", "W5", "--steps", "1", "--warmup", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("W5 +GPT train step \\(nanoGPT shakespeare-char\\) +[0-9.]+ tokens/s")
                .containsPattern("\n    W5 MFU [0-9.]+% of the measured sgemm peak [0-9.]+ GFLOP/s \\(71\\.11 MFLOP/token, [0-9.]+ GFLOP/s\\)\n");
    }

    @Test
    void benchTimesTheSmallGptsGeneration() {
        Run r = run("bench", "--workload", "w6s", "--steps", "1", "--warmup", "0", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("W6S +GPT greedy generation, CPU-recipe model +[0-9.]+ new tokens/s");
    }

    @Test
    void benchTimesTheAttentionCoreAtGivenLengthsEitherWay() {
        Run fused = run("bench", "--workload", "W10", "--seq", "16,33", "--steps", "1", "--warmup", "0");
        assertThat(fused.code()).as(fused.err()).isZero();
        assertThat(fused.out()).contains("attention core fwd+bwd n=16").contains("attention core fwd+bwd n=33").doesNotContain("n=256");
        Run plain = run("bench", "--workload", "W10", "--seq", "33", "--attention", "materialising", "--steps", "1", "--warmup", "0");
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.out()).contains("attention core (materialising) fwd+bwd n=33");
    }

    /** seqlab tokenize on GPT-2's files from ../shared, a model directory and Hugging Face's tokenizer.json written from them. */
    @Test
    void tokenizeEncodesAndDecodesWithAnyLayout() throws IOException {
        Path gpt2 = Path.of("..", "..", "shared", "data", "gpt2-bpe");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(gpt2), "../shared/data/gpt2-bpe is absent: skipped");
        Run ids = run("tokenize", "--tokenizer", gpt2.toString(), "--text", "Hello world<|endoftext|>");
        assertThat(ids.code()).as(ids.err()).isZero();
        assertThat(ids.out()).isEqualTo("15496 995 50256\n");
        Run text = run("tokenize", "--tokenizer", gpt2.toString(), "--decode", "--text", " 15496  995\n50256 ");
        assertThat(text.out()).isEqualTo("Hello world<|endoftext|>\n");
        Path hf = dir.resolve("hf-gpt2");
        Files.createDirectories(hf);
        Files.writeString(hf.resolve("tokenizer.json"), seqlab.io.Json.write(seqlab.text.Tokenizers.read(gpt2).toJson()));
        Path file = dir.resolve("hello.txt");
        Files.write(file, new byte[] {'h', 'i', ' ', (byte) 0xff, '\n'});           // an invalid byte is its own byte token
        Run fromFile = run("tokenize", "--tokenizer", hf.resolve("tokenizer.json").toString(), "--file", file.toString());
        assertThat(fromFile.out()).isEqualTo("5303 220 %d 198\n".formatted(((seqlab.text.ByteLevelBpe) seqlab.text.Tokenizers.read(gpt2))
                .id("\u00ff")));                                                  // "hi", " ", byte 0xFF, "\n"
        Path idsFile = dir.resolve("hello.ids");                               // --output: the ids' line, then the bytes exactly
        assertThat(run("tokenize", "--tokenizer", gpt2.toString(), "--file", file.toString(), "--output", idsFile.toString()).code()).isZero();
        assertThat(Files.readString(idsFile)).isEqualTo(fromFile.out());
        Path back = dir.resolve("hello.back");
        Run decoded = run("tokenize", "--tokenizer", gpt2.toString(), "--decode", "--file", idsFile.toString(), "--output", back.toString());
        assertThat(decoded.code()).as(decoded.err()).isZero();
        assertThat(decoded.out()).isEmpty();
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(file));
        assertThat(run("tokenize", "--tokenizer", gpt2.toString(), "--decode", "--file", idsFile.toString()).out())
                .isEqualTo("hi \ufffd\n\n");                                   // printed, the invalid byte shows as U+FFFD
        assertUserError(run("tokenize", "--tokenizer", gpt2.toString(), "--decode", "--text", "5303", "--output", dir.toString()),
                "--output " + dir + " is a directory; give a file name");
        assertUserError(run("tokenize", "--tokenizer", gpt2.toString(), "--decode", "--file", idsFile.toString(), "--output",
                idsFile.toString()), "--output " + idsFile + " exists; use --force to overwrite it");
        assertThat(Files.readString(idsFile)).isEqualTo(fromFile.out());                 // untouched
        assertThat(run("tokenize", "--tokenizer", gpt2.toString(), "--decode", "--text", "5303", "--output", back.toString(), "--force")
                .code()).isZero();
        assertThat(Files.readString(back)).isEqualTo("hi");
        assertUserError(run("tokenize", "--tokenizer", gpt2.toString(), "--text", "a", "--force"), "--force applies to --output only");
        Run lm = run("tokenize", "--tokenizer", model.toString(), "--text", "the");
        assertThat(lm.code()).as(lm.err()).isZero();
        assertThat(lm.out().strip()).matches("[0-9]+( [0-9]+)*");
    }

    /** --tokenizer gpt2 reads GPT-2's files from ../shared/data/gpt2-bpe (here, one level further up) and checks that they are GPT-2's. */
    @Test
    void gpt2TokenizerIsReadByNameAndChecked() throws IOException {
        assertUserError(run("tokenize", "--tokenizer", "gpt2", "--text", "a"), "--tokenizer gpt2: GPT-2's encoder.json and vocab.bpe are "
                + "not in " + Path.of("..", "shared", "data", "gpt2-bpe").toAbsolutePath().normalize());
        Path gpt2 = Path.of("..", "..", "shared", "data", "gpt2-bpe");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(gpt2), "../shared/data/gpt2-bpe is absent: skipped");
        assertThat(Gpt2Tokenizer.read(gpt2).encode("Hello world<|endoftext|>")).containsExactly(15496, 995, 50256);
        Path other = dir.resolve("not-gpt2");
        Files.createDirectories(other);
        Files.copy(gpt2.resolve("encoder.json"), other.resolve("encoder.json"));
        java.util.List<String> merges = Files.readAllLines(gpt2.resolve("vocab.bpe"));
        Files.write(other.resolve("vocab.bpe"), merges.subList(0, merges.size() - 1));          // one merge fewer
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(UserException.class, () -> Gpt2Tokenizer.read(other)).getMessage())
                .contains("is not GPT-2's tokenizer (expected 50,257 tokens, 50,000 merges and <|endoftext|> at 50256, got 50,257 tokens, "
                        + "49,999 merges and <|endoftext|> at 50256)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--decode --text 15496,x|--decode reads token ids separated by spaces; word 1 is '15496,x'",
            "--decode --text 50257|token id 50257 (word 1) is out of range: the tokenizer has 50257 tokens, ids 0 to 50256",
            "--text a --file b|are mutually exclusive",
            "--decode|Missing required argument"})
    void tokenizeSaysWhatIsWrongWithItsInput(String args, String message) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("..", "..", "shared", "data", "gpt2-bpe")));
        String[] all = ("tokenize --tokenizer ../../shared/data/gpt2-bpe " + args).split(" ");
        assertUserError(run(all), message);
    }

    @Test
    void tokenizeSaysWhatATokenizerPathLacks() throws IOException {
        Path empty = dir.resolve("no-tokenizer");
        Files.createDirectories(empty);
        Files.writeString(empty.resolve("notes.txt"), "x");
        assertUserError(run("tokenize", "--tokenizer", empty.toString(), "--text", "a"), "holds no tokenizer: expected tokenizer.json, "
                + "encoder.json + vocab.bpe, or vocab.json + merges.txt; found notes.txt");
        assertUserError(run("tokenize", "--tokenizer", dir.resolve("nothing-here.json").toString(), "--text", "a"), "no such file");
        Path pair = dir.resolve("pair-tokenizer.json");
        Files.writeString(pair, "{\"type\": \"pair\", \"split\": \"chars\"}");
        assertUserError(run("tokenize", "--tokenizer", pair.toString(), "--text", "a"), "a translation model's pair of tokenizers");
        Path vocab = dir.resolve("vocab.json");                  // a vocabulary alone ("type" is one of GPT-2's tokens)
        Files.writeString(vocab, "{\"the\": 0, \"type\": 1, \"\u0120a\": 2}");
        assertUserError(run("tokenize", "--tokenizer", vocab.toString(), "--text", "a"), "vocab.json is a vocabulary (token -> id), "
                + "half of a byte-level BPE: give the directory that holds it with its merges");
        Path merges = dir.resolve("merges.txt");
        Files.writeString(merges, "#version: 0.2\nt h\nth e\n");
        assertUserError(run("tokenize", "--tokenizer", merges.toString(), "--text", "a"), "merges.txt is a BPE merges file, half of a tokenizer");
        Files.writeString(merges, "t h\n");
        assertUserError(run("tokenize", "--tokenizer", merges.toString(), "--text", "a"), "merges.txt is a BPE merges file");
        Path prose = dir.resolve("input.txt");                      // text whose first line is two words is not taken for merges
        Files.writeString(prose, "First Citizen:\nBefore we proceed any further, hear me speak.\n");
        assertUserError(run("tokenize", "--tokenizer", prose.toString(), "--text", "a"), "input.txt: invalid JSON at line 1, column 1");
        assertUserError(run("tokenize", "--tokenizer", prose.toString(), "--text", "a"), "expected a tokenizer.json (Hugging Face's or "
                + "seqlab's), or a directory holding a tokenizer");
        Path other = dir.resolve("settings.json");
        Files.writeString(other, "{\"lr\": 0.1, \"name\": \"x\"}");
        assertUserError(run("tokenize", "--tokenizer", other.toString(), "--text", "a"), "settings.json is not a tokenizer: expected "
                + "Hugging Face's tokenizer.json (with \"model\") or seqlab's (with \"type\"); found the keys lr, name");
    }

    /** A merges file with a malformed line, read from a directory: its line number, one line, exit code 2. */
    @Test
    void aMalformedMergesLineIsNamedByItsNumber() throws IOException {
        Path bpe = dir.resolve("bad-bpe");
        Files.createDirectories(bpe);
        Files.writeString(bpe.resolve("vocab.json"), "{\"t\": 0, \"h\": 1, \"th\": 2}");
        Files.writeString(bpe.resolve("merges.txt"), "#version: 0.2\nt h\nthis line has three\n");
        assertUserError(run("tokenize", "--tokenizer", bpe.toString(), "--text", "th"), "merges.txt: line 3 must be two tokens separated "
                + "by one space, got 'this line has three'");
    }

    /** seqlab tokenizer train writes the three files; seqlab tokenize reads the directory back; bad values are one line each. */
    @Test
    void tokenizerTrainWritesWhatTokenizeReads() throws IOException {
        Path text = dir.resolve("corpus.txt");
        Files.writeString(text, "the cat sat on the mat. the cat sat. ".repeat(50) + "<|endoftext|>caf\u00e9");
        Path out = dir.resolve("bpe");
        Run r = run("tokenizer", "train", "--data", text.toString(), "--vocab-size", "270", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("trained 270 tokens (13 merges) on ");
        for (String f : new String[] {"tokenizer.json", "vocab.json", "merges.txt"}) {
            assertThat(out.resolve(f)).isRegularFile();
        }
        assertThat(Files.readAllLines(out.resolve("merges.txt"))).hasSize(14).first().isEqualTo("#version: 0.2");
        Run ids = run("tokenize", "--tokenizer", out.toString(), "--text", "the cat sat<|endoftext|>");
        assertThat(ids.code()).as(ids.err()).isZero();
        Run back = run("tokenize", "--tokenizer", out.toString(), "--decode", "--text", ids.out().strip());
        assertThat(back.out()).isEqualTo("the cat sat<|endoftext|>\n");
        Files.delete(out.resolve("tokenizer.json"));                              // vocab.json + merges.txt alone give the same ids
        assertThat(run("tokenize", "--tokenizer", out.toString(), "--text", "the cat sat<|endoftext|>").out()).isEqualTo(ids.out());
        assertUserError(run("tokenizer", "train", "--data", text.toString(), "--vocab-size", "300", "--out", out.toString()),
                "vocab.json exists; use --force to overwrite it");
        assertThat(run("tokenizer", "train", "--data", text.toString(), "--vocab-size", "300", "--out", out.toString(), "--force").code())
                .isZero();
        assertUserError(run("tokenizer", "train", "--data", text.toString(), "--vocab-size", "256", "--out", out.toString()),
                "--vocab-size must be at least 257 (256 byte symbols and <|endoftext|>), got 256");
        assertUserError(run("tokenizer", "train", "--data", text.toString(), "--min-frequency", "0", "--out", out.toString()),
                "--min-frequency must be >= 1, got 0");
        assertUserError(run("tokenizer", "train", "--data", text.toString(), "--out", text.toString()), "is a file; give a directory");
        assertUserError(run("tokenizer", "train", "--data", dir.resolve("none.txt").toString(), "--out", dir.resolve("x").toString()),
                "no such file");
        assertUserError(run("tokenizer"), "name a subcommand: train");
    }

    /** --paired: "ready" after an untimed round, then one line of four GFLOP/s figures per line read, until stdin ends. */
    @Test
    void benchPairedAnswersEveryLineWithOneRoundOfW8() {
        java.io.InputStream stdin = System.in;
        System.setIn(new java.io.ByteArrayInputStream("go\ngo\n".getBytes(StandardCharsets.UTF_8)));
        Run r;
        try {
            r = run("bench", "--workload", "W8", "--paired", "0.01", "--threads", "2");
        } finally {
            System.setIn(stdin);
        }
        assertThat(r.code()).as(r.err()).isZero();
        java.util.List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("ready");
        for (String line : lines.subList(1, 3)) {
            String[] g = line.split(" ");
            assertThat(g).as(line).hasSize(4);
            for (String v : g) {
                assertThat(Double.parseDouble(v)).as(line).isGreaterThan(0.01).isLessThan(1e5);
            }
        }
    }

    @Test
    void labListsItsExperiments() {
        Run r = run("lab", "--list");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().map(l -> l.split(" ")[0]).toList())
                .containsExactly("vanishing-gradients", "long-memory", "bottleneck", "teacher-forcing", "rnn-vs-lstm-vs-gru",
                        "attention-cost", "positional-encoding", "parallel-vs-sequential", "transformer-vs-lstm-lm");
    }

    /** long-memory's published data.csv gives its published results again; bad --from directories say why in one line. */
    @Test
    void labFromDataComputesFindingsAgainWithoutMeasuring() throws IOException {
        Path again = dir.resolve("lab-again");
        Files.createDirectories(again);
        Files.copy(Path.of("../docs/lab/long-memory/data.csv"), again.resolve("data.csv"));
        Run r = run("lab", "long-memory", "--from", again.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("nothing measured");
        assertThat(r.out()).contains("verdict:  confirmed: a gated cell solves longer spans than the RNN");
        assertThat(Files.readString(again.resolve("data.csv"))).isEqualTo(Files.readString(Path.of("../docs/lab/long-memory/data.csv")));
        assertThat(again.resolve("copy_loss_by_length.svg")).exists();
        assertThat(Files.readString(again.resolve("results.md"))).contains("GRU: solves (below half the baseline) at T = 25, 50, 100");

        assertUserError(run("lab", "long-memory", "--from", again.toString(), "--quick"), "is not part of the quick size");
        assertUserError(run("lab", "teacher-forcing", "--from", again.toString()), "is it the data.csv of a 'teacher-forcing' run?");
        assertUserError(run("lab", "bottleneck", "--from", again.toString()), "lab bottleneck cannot be computed again from its data.csv");
        assertUserError(run("lab", "long-memory", "--from", dir.resolve("nowhere").toString()), "no data.csv in");
        Path broken = dir.resolve("lab-broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("data.csv"), "task,cell,T,final_loss,baseline\ncopy,gru,\"25\n");
        assertUserError(run("lab", "long-memory", "--from", broken.toString()), "a quoted cell is never closed");
        Files.write(broken.resolve("data.csv"), new byte[] {(byte) 0xff, 'a', '\n'});
        assertUserError(run("lab", "long-memory", "--from", broken.toString()), "is not UTF-8 text");
    }

    @Test
    void badDataFiles() throws IOException {
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        assertUserError(run("train", "--data", empty.toString(), "--out", dir.resolve("e").toString()), "is empty");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "caf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));
        assertUserError(run("train", "--data", latin1.toString(), "--out", dir.resolve("l").toString()), "not valid UTF-8");
        Path tiny = Files.writeString(dir.resolve("tiny.txt"), "abcdefghij");
        assertUserError(run("train", "--data", tiny.toString(), "--seq", "16", "--out", dir.resolve("t").toString()), "fewer than --seq + 1");
    }

    @Test
    void aPromptOutsideTheVocabularyOrEmpty() {
        assertUserError(run("generate", "--model", model.toString(), "--prompt", "The \u00df"), "is not in the model's vocabulary");
        assertUserError(run("generate", "--model", model.toString(), "--prompt", ""), "--prompt is empty");
        assertUserError(run("generate", "--model", model.toString(), "--prompt", "a", "--top-p", "0"), "top-p must be in (0, 1]");
        assertUserError(run("generate", "--model", model.toString(), "--prompt-ids", "1,999999"), "out of range");
    }

    @Test
    void brokenModelDirectories() throws IOException {
        Path broken = dir.resolve("broken");
        copyDir(model, broken);
        byte[] w = Files.readAllBytes(broken.resolve("model.safetensors"));
        Files.write(broken.resolve("model.safetensors"), java.util.Arrays.copyOf(w, w.length / 2));
        assertUserError(run("generate", "--model", broken.toString(), "--prompt", "a"), "missing bytes");
        Files.write(broken.resolve("model.safetensors"), new byte[3]);
        assertUserError(run("info", broken.toString()), "too small for a safetensors file");
        Files.delete(broken.resolve("model.safetensors"));
        assertUserError(run("generate", "--model", broken.toString(), "--prompt", "a"), "no model.safetensors");
        Files.writeString(broken.resolve("config.json"), "{\"architecture\": \"rnn-lm\", \"cell\": \"lstm\"");
        assertUserError(run("generate", "--model", broken.toString(), "--prompt", "a"), "invalid JSON at line 1");
        Files.writeString(broken.resolve("config.json"), "{\"architecture\": \"rnn-lm\", \"cell\": \"lstm\"}");
        assertUserError(run("generate", "--model", broken.toString(), "--prompt", "a"), "missing field \"vocab_size\"");
        Files.delete(broken.resolve("config.json"));
        assertUserError(run("generate", "--model", broken.toString(), "--prompt", "a"), "no config.json");
        Path pickle = Files.write(dir.resolve("model.pt"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0});
        assertUserError(run("info", pickle.toString()), "zip archive");
    }

    @Test
    void zeroStepsStillEvaluatesAndSavesTheInitialModel() {
        Path out = dir.resolve("zero");
        String[] args = tinyTrain(out);
        args[java.util.Arrays.asList(args).indexOf("--steps") + 1] = "0";
        Run r = run(args);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("done: step 0, val loss 3.");
        assertThat(out.resolve("model.safetensors")).exists();
    }

    @Test
    void nonFiniteWeightsLoadWithAWarning() {
        ModelDirectory.Loaded.Generator m = ModelDirectory.loadGenerator(model, "test");
        m.model().module().namedParameters().get("decoder.bias").data()[0] = Float.NaN;
        Path nan = dir.resolve("nan-model");
        ModelDirectory.save(nan, m.model(), m.tokenizer());
        Run info = run("info", nan.toString());
        assertThat(info.code()).isZero();
        assertThat(info.out()).contains("warning: decoder.bias has 1 non-finite value(s)").contains("warning: 1 non-finite values");
        Run gen = run("generate", "--model", nan.toString(), "--prompt", "a", "--tokens", "3");
        assertThat(gen.err()).startsWith("seqlab: warning: decoder.bias has 1 non-finite");
    }

    static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path p : files.toList()) {
                if (Files.isRegularFile(p)) {
                    Files.copy(p, to.resolve(p.getFileName()));
                }
            }
        }
    }
}
