package seqlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.io.Safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static seqlab.cli.CliTest.assertUserError;
import static seqlab.cli.CliTest.run;

/**
 * Outputs that exist and are not regular files are written through or refused, never replaced;
 * --force replaces regular files only; every output and the data are checked before any work.
 */
class OutputFileCliTest {

    @TempDir
    static Path dir;

    static Path model;
    static Path translator;
    static Path ids;

    @BeforeAll
    static void models() {
        TinyModels m = TinyModels.trainIn(dir);
        model = m.lm();
        translator = m.translator();
        ids = dir.resolve("ids.safetensors");
        Safetensors.write(ids, Map.of("input_ids", Safetensors.Entry.i64(new long[] {1, 2, 3}, 1, 3)), Map.of());
    }

    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode") & 0170000;
    }

    @Test
    void aDeviceIsWrittenThroughWithOrWithoutForceAndStaysADevice() throws IOException {
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull));
        int before = mode(devNull);
        CliTest.Run t = run("translate", "--model", translator.toString(), "--text", "123", "--attention-map", "/dev/null", "--force");
        assertThat(t.code()).as(t.err()).isZero();
        CliTest.Run f = run("forward", "--model", model.toString(), "--input", ids.toString(), "--output", "/dev/null");
        assertThat(f.code()).as(f.err()).isZero();
        CliTest.Run b = run("bench", "--workload", "W8", "--steps", "1", "--warmup", "0", "--json", "/dev/null");
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(mode(devNull)).isEqualTo(before).isEqualTo(0020000);                  // still the character device
    }

    @Test
    void aLinkToADescriptorIsWrittenThroughAndStaysALink() throws IOException {
        // /dev/stderr rather than /dev/stdout: the test JVM's stdout is the channel to its build tool
        Path link = Files.createSymbolicLink(dir.resolve("to-stderr.json"), Path.of("/dev/stderr"));
        assumeTrue(Files.exists(Path.of("/dev/stderr"), LinkOption.NOFOLLOW_LINKS));
        CliTest.Run b = run("bench", "--workload", "W8", "--steps", "1", "--warmup", "0", "--json", link.toString());
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.isSymbolicLink(Path.of("/dev/stderr"))).isTrue();
    }

    @Test
    void aRegularFileNeedsForceAndADirectoryIsRefused() throws IOException {
        Path json = Files.writeString(dir.resolve("bench.json"), "old");
        assertUserError(run("bench", "--workload", "W8", "--json", json.toString()), "--json " + json + " exists; use --force to overwrite it");
        assertThat(Files.readString(json)).isEqualTo("old");
        CliTest.Run b = run("bench", "--workload", "W8", "--steps", "1", "--warmup", "0", "--json", json.toString(), "--force");
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(Files.readString(json)).startsWith("{");
        assertUserError(run("bench", "--workload", "W8", "--json", dir.toString()), "--json " + dir + " is a directory; give a file name");
        assertUserError(run("forward", "--model", model.toString(), "--input", ids.toString(), "--output", dir.toString(), "--force"),
                "is a directory; give a file name");
        assertUserError(run("translate", "--model", translator.toString(), "--text", "12", "--attention-map", json + "/x.svg"),
                "is inside " + json + ", which is a file, not a directory");
        assertUserError(run("bench", "--force"), "--force applies to --json only");
        assertUserError(run("translate", "--model", translator.toString(), "--text", "12", "--force"), "--force applies to --attention-map only");
    }

    @Test
    void theDemoFollowsTrainsForceRule() {
        Path out = dir.resolve("demo");
        CliTest.Run first = run("demo", "--out", out.toString(), "--steps", "2", "--threads", "1");
        assertThat(first.code()).as(first.err()).isZero();
        assertUserError(run("demo", "--out", out.toString(), "--steps", "2"), "--out " + out + " already holds a run; use --force");
        CliTest.Run again = run("demo", "--out", out.toString(), "--steps", "2", "--threads", "1", "--force");
        assertThat(again.code()).as(again.err()).isZero();
        assertUserError(run("demo", "--out", model.resolve("config.json").toString()), "is a file, expected a directory");
    }

    /** Checked before any data is read or model built: these fail at once and write nothing. */
    @Test
    void outputsAndDataAreCheckedFirst() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertUserError(run("train", "--out", file.toString(), "--hidden", "4096"), "--out " + file + ": it is a file, expected a directory");
        assertUserError(run("train", "--out", ""), "--out is empty");
        assertUserError(run("train", "--out", file + "/run"), file + " is a file, expected a directory");
        assertUserError(run("forward", "--model", model.toString(), "--input", ids.toString(), "--output", ""), "--output is empty");
        assertUserError(run("bench", "--workload", "W1,W11"), "--workload W11 is not available");
        Path none = dir.resolve("no-run");
        assertUserError(run("train", "--out", none.toString(), "--data", dir.resolve("missing.txt").toString()), "missing.txt: no such file");
        assertThat(none).doesNotExist();
    }

    @Test
    void aFifoIsNotInput() throws Exception {
        Path fifo = dir.resolve("fifo");
        assumeTrue(mkfifo(fifo), "no mkfifo here");
        Path out = dir.resolve("fifo-run");
        assertUserError(run("train", "--data", fifo.toString(), "--out", out.toString()), fifo + " is not a regular file (a FIFO, socket or device)");
        assertThat(out).doesNotExist();
        assertUserError(run("info", fifo.toString()), "is not a regular file");
        assertUserError(run("forward", "--model", model.toString(), "--input", fifo.toString(), "--output", dir.resolve("o").toString()),
                "is not a regular file");
    }

    static boolean mkfifo(Path p) throws InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", p.toString()).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
