package seqlab.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static seqlab.cli.CliTest.assertUserError;
import static seqlab.cli.CliTest.run;

/** Sizes that cannot work, and work without end, are refused or bounded up front with one line. */
class LimitsCliTest {

    @TempDir
    static Path dir;

    static TinyModels models;

    @BeforeAll
    static void models() {
        models = TinyModels.trainIn(dir);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--hidden 100000000|one tensor of this model would hold",
            "--hidden 20000|parameters × 4 copies: weights, gradients and adamw's two moments",
            "--batch 100000000|one tensor of this model would hold",
            "--layers 100000|this model needs about",
            "--embed 2000000000|one tensor of this model would hold",
            "--arch seq2seq --hidden 12000|this model needs about"})
    void sizesThatCannotWorkEndInOneLineAndWriteNothing(String flags, String message) {
        Path out = dir.resolve("too-big");
        String[] a = (flags + " --out " + out + " --threads 1").split(" ");
        String[] args = new String[a.length + 1];
        args[0] = "train";
        System.arraycopy(a, 0, args, 1, a.length);
        CliTest.Run r = run(args);
        assertUserError(r, message);
        assertThat(r.err()).contains("use smaller sizes");
        assertThat(out).doesNotExist();
    }

    @Test
    void aConfigTooLargeForTheHeapIsRefusedBeforeItIsBuilt() throws IOException {
        Path big = dir.resolve("big");
        CliTest.copyDir(models.lm(), big);
        String config = Files.readString(models.lm().resolve("config.json"));
        Files.writeString(big.resolve("config.json"), config.replaceAll("\"vocab_size\": \\d+", "\"vocab_size\": 1e9"));
        assertUserError(run("info", big.toString()), "field \"vocab_size\" must be an integer");
        // about 100 bytes of weights per token (embedding 8, decoder 16 + bias, in floats): more than this JVM's heap
        long vocab = Math.min(268_000_000L, Runtime.getRuntime().maxMemory() / 50);
        org.junit.jupiter.api.Assumptions.assumeTrue(vocab * 100 > Runtime.getRuntime().maxMemory(), "this JVM's heap holds any such model");
        Files.writeString(big.resolve("config.json"), config.replaceAll("\"vocab_size\": \\d+", "\"vocab_size\": " + vocab));
        assertUserError(run("info", big.toString()), "this model needs about");
        assertUserError(run("generate", "--model", big.toString(), "--prompt", "a"), "use smaller sizes (vocab_size, hidden_size, num_layers in");
    }

    @Test
    void tooManyThreadsAreCappedWithAWarning() {
        int cores = Runtime.getRuntime().availableProcessors();
        CliTest.Run r = run("generate", "--model", models.lm().toString(), "--prompt", "a", "--tokens", "2", "--threads", "100000");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err().lines().toList()).hasSize(2).first().isEqualTo(String.format("seqlab: warning: --threads 100000 is more than "
                + "4× this machine's %d core%s; using %d", cores, cores == 1 ? "" : "s", 4 * cores));
    }

    @Test
    void evaluationsAndBeamsHaveBounds() {
        String[] evals = CliTest.tinyTrain(dir.resolve("evals"));
        evals[java.util.Arrays.asList(evals).indexOf("--eval-batches") + 1] = "1000000000";
        assertUserError(run(evals),
                "--eval-batches 1,000,000,000 draws 4,000,000,000 windows per evaluation from a validation split that has");
        assertThat(dir.resolve("evals")).doesNotExist();
        assertUserError(run("translate", "--model", models.translator().toString(), "--text", "12", "--beam", "100000"),
                "--beam 100,000 is wider than the model's target vocabulary of");
        assertUserError(run("eval", "--model", models.translator().toString(), "--beam", "100000"), "is wider than the model's target vocabulary");
    }

    /** A beam search step scores beam × vocabulary continuations per sentence: what cannot fit the heap is refused with the figures. */
    @Test
    void aBeamTooWideForTheHeapIsRefused() {
        seqlab.model.Seq2Seq wide = new seqlab.model.Seq2Seq(new seqlab.model.Seq2SeqConfig(seqlab.tensor.CellType.GRU,
                seqlab.model.Seq2SeqConfig.Attention.NONE, 5, 100_000, 1, 1, 1, false, 0f, 10), new seqlab.tensor.Rng(0));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TranslateCommand.requireBeam(100_000, 128, wide))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("--beam 100,000 over 128 sentences at once scores 1,280,000,000,000 continuations a step")
                .hasMessageEndingWith("; use a smaller --beam or --batch");
        TranslateCommand.requireBeam(5, 1, wide);                                               // an ordinary beam passes
    }

    /** A reader that goes away (| head) ends the generation at once; nothing is kept per token. */
    @Test
    void generationStopsWhenItsOutputCloses() {
        OutputStream closesAfter = new OutputStream() {
            int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 500) {
                    throw new IOException("Broken pipe");
                }
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"generate", "--model", models.lm().toString(), "--prompt", "a", "--tokens", "2000000000", "--threads", "1"},
                new PrintStream(closesAfter, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();                   // (and it returned: 2e9 tokens were asked for)
    }
}
