package seqlab.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An output that exists and is not a regular file is written through or refused, never replaced:
 * devices, FIFOs and descriptors such as /dev/stdout keep being what they are; links stay links.
 */
class OutputTargetTest {

    @TempDir
    Path dir;

    @Test
    void aNewFileARegularFileAndADirectory() throws IOException {
        assertThat(OutputTarget.of(dir.resolve("new.txt")).kind()).isEqualTo(OutputTarget.Kind.NEW);
        Path f = Files.writeString(dir.resolve("old.txt"), "old");
        assertThat(OutputTarget.of(f).kind()).isEqualTo(OutputTarget.Kind.REGULAR);
        OutputTarget d = OutputTarget.of(dir);
        assertThat(d.kind()).isEqualTo(OutputTarget.Kind.UNWRITABLE);
        assertThat(d.what()).isEqualTo("a directory");
        assertThatThrownBy(() -> AtomicFiles.writeString(dir, "x")).hasMessageContaining("it is a directory; give a file name");
    }

    @Test
    void aDeviceIsWrittenThroughAndStaysADevice() throws IOException {
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull), "no /dev/null here");
        assertThat(OutputTarget.of(devNull).kind()).isEqualTo(OutputTarget.Kind.STREAM);
        AtomicFiles.writeString(devNull, "into the void");
        assertThat(Files.isRegularFile(devNull)).isFalse();
        assertThat((Integer) Files.getAttribute(devNull, "unix:mode") & 0170000).isEqualTo(0020000);   // still a character device
    }

    @Test
    void standardOutputIsADescriptorWhateverItIsRedirectedTo() {
        Path stdout = Path.of("/dev/stdout");
        assumeTrue(Files.exists(stdout, LinkOption.NOFOLLOW_LINKS), "no /dev/stdout here");
        assertThat(OutputTarget.of(stdout).kind()).isEqualTo(OutputTarget.Kind.STREAM);
        assertThat(OutputTarget.of(Path.of("/proc/self/fd/1")).kind()).isEqualTo(OutputTarget.Kind.STREAM);
        assertThat(Files.isSymbolicLink(stdout)).isTrue();
    }

    @Test
    void aLinkToARegularFileReplacesTheFileAndStaysALink() throws IOException {
        Path target = Files.writeString(dir.resolve("real.json"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), target.getFileName());
        OutputTarget t = OutputTarget.of(link);
        assertThat(t.kind()).isEqualTo(OutputTarget.Kind.REGULAR);
        assertThat(t.path()).isEqualTo(target);
        AtomicFiles.writeString(link, "new");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("new");
        Path chain = Files.createSymbolicLink(dir.resolve("chain.json"), link);
        AtomicFiles.writeString(chain, "newer");
        assertThat(Files.isSymbolicLink(chain)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("newer");
    }

    @Test
    void aDanglingLinkCreatesItsTargetAndALoopIsRefused() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("made-by-write.txt"));
        assertThat(OutputTarget.of(link).kind()).isEqualTo(OutputTarget.Kind.NEW);
        AtomicFiles.writeString(link, "made");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(dir.resolve("made-by-write.txt"))).isEqualTo("made");
        Path a = dir.resolve("a");
        Files.createSymbolicLink(a, dir.resolve("b"));
        Files.createSymbolicLink(dir.resolve("b"), a);
        assertThatThrownBy(() -> AtomicFiles.writeString(a, "x")).hasMessageContaining("symbolic links in a row");
    }

    @Test
    void aFifoIsWrittenThroughToItsReaderAndStaysAFifo() throws Exception {
        Path fifo = dir.resolve("fifo");
        assumeTrue(mkfifo(fifo), "mkfifo is not available here");
        assertThat(OutputTarget.of(fifo).kind()).isEqualTo(OutputTarget.Kind.STREAM);
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        AtomicFiles.writeString(fifo, "through the pipe");
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("through the pipe");
        assertThat(Files.isRegularFile(fifo)).isFalse();
        assertThat(Files.exists(fifo)).isTrue();
    }

    @Test
    void aFifoIsNotAnInputFile() throws Exception {
        Path fifo = dir.resolve("in-fifo");
        assumeTrue(mkfifo(fifo), "mkfifo is not available here");
        assertThatThrownBy(() -> InputFiles.requireRegular(fifo, "a text file"))
                .hasMessage(fifo + " is not a regular file (a FIFO, socket or device), expected a text file");
        assertThatThrownBy(() -> seqlab.text.Text.readUtf8(fifo)).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> Safetensors.open(fifo)).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> InputFiles.requireRegular(dir.resolve("none"), "x")).hasMessage(dir.resolve("none") + ": no such file");
    }

    @Test
    void ioErrorsAreWordsNotExceptionNames() {
        assertThat(IoErrors.describe(new NoSuchFileException("/x/y"))).isEqualTo("no such file or directory");
        assertThat(IoErrors.describe(new java.nio.file.AccessDeniedException("/x"))).isEqualTo("permission denied");
        assertThat(IoErrors.describe(new java.nio.file.FileAlreadyExistsException("/x"))).isEqualTo("already exists");
        assertThat(IoErrors.describe(new FileSystemException("/x", null, "No space left on device"))).isEqualTo("No space left on device");
        assertThat(IoErrors.describe(new IOException("Broken pipe"))).isEqualTo("Broken pipe");
        assertThat(IoErrors.describe(new IOException())).isEqualTo("input/output error");
    }

    static boolean mkfifo(Path p) throws InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", p.toString()).start().waitFor() == 0 && Files.exists(p);
        } catch (IOException e) {
            return false;
        }
    }
}
