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

    static Path lm;
    static Path s2s;

    @BeforeAll
    static void models() {
        lm = dir.resolve("lm");
        assertThat(run(CliTest.tinyTrain(lm)).code()).isZero();
        s2s = dir.resolve("s2s");
        assertThat(run(Seq2SeqCliTest.tiny(s2s, "bahdanau")).code()).isZero();
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
        long t0 = System.nanoTime();
        CliTest.Run r = run(args);
        assertUserError(r, message);
        assertThat(r.err()).contains("use smaller sizes");
        assertThat(out).doesNotExist();
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds to refuse").isLessThan(30);
    }

    @Test
    void aConfigTooLargeForTheHeapIsRefusedBeforeItIsBuilt() throws IOException {
        Path big = dir.resolve("big");
        CliTest.copyDir(lm, big);
        Files.writeString(big.resolve("config.json"), Files.readString(lm.resolve("config.json")).replaceAll("\"vocab_size\": \\d+",
                "\"vocab_size\": 100000000"));
        assertUserError(run("info", big.toString()), "this model needs about");
        assertUserError(run("generate", "--model", big.toString(), "--prompt", "a"), "use smaller sizes (vocab_size, hidden_size, num_layers in");
    }

    @Test
    void tooManyThreadsAreCappedWithAWarning() {
        int cores = Runtime.getRuntime().availableProcessors();
        CliTest.Run r = run("generate", "--model", lm.toString(), "--prompt", "a", "--tokens", "2", "--threads", "100000");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err().lines().toList()).containsExactly(String.format("seqlab: warning: --threads 100000 is more than 4× this machine's %d core%s; "
                + "using %d", cores, cores == 1 ? "" : "s", 4 * cores));
    }

    @Test
    void evaluationsAndBeamsHaveBounds() {
        String[] evals = CliTest.tinyTrain(dir.resolve("evals"));
        evals[java.util.Arrays.asList(evals).indexOf("--eval-batches") + 1] = "1000000000";
        assertUserError(run(evals),
                "--eval-batches 1,000,000,000 draws 4,000,000,000 windows per evaluation from a validation split that has");
        assertThat(dir.resolve("evals")).doesNotExist();
        assertUserError(run("translate", "--model", s2s.toString(), "--text", "12", "--beam", "100000"),
                "--beam 100,000 is wider than the model's target vocabulary of");
        assertUserError(run("eval", "--model", s2s.toString(), "--beam", "100000"), "is wider than the model's target vocabulary");
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
        long t0 = System.nanoTime();
        int code = Main.run(new String[] {"generate", "--model", lm.toString(), "--prompt", "a", "--tokens", "2000000000", "--threads", "1"},
                new PrintStream(closesAfter, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds").isLessThan(30);
    }
}
