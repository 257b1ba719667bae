package seqlab.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesAnExistingFile() throws IOException {
        Path p = dir.resolve("a.txt");
        AtomicFiles.writeString(p, "old");
        AtomicFiles.writeString(p, "new");
        assertThat(Files.readString(p)).isEqualTo("new");
    }

    @Test
    void aWrittenFileHasThePermissionsOfAPlainlyCreatedOne() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain.txt"));                                 // 0666 minus the umask
        Path written = dir.resolve("written.txt");
        AtomicFiles.writeString(written, "x");
        assertThat(Files.getPosixFilePermissions(written)).isEqualTo(Files.getPosixFilePermissions(plain));
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("plain.txt", "written.txt");
        }
    }

    @Test
    void aFailureMidWriteLeavesTheOldFileAndNoTemporary() throws IOException {                                       // C3
        Path p = dir.resolve("b.bin");
        AtomicFiles.writeString(p, "previous");
        for (int failAfter = 0; failAfter < 3; failAfter++) {
            int n = failAfter;
            assertThatThrownBy(() -> AtomicFiles.write(p, ch -> {
                for (int i = 0; i < 3; i++) {
                    if (i == n) {
                        throw new IOException("No space left on device");
                    }
                    AtomicFiles.writeFully(ch, ByteBuffer.wrap(new byte[1000]));
                }
            })).hasMessageContaining("No space left on device").hasMessageContaining(p.toString());
            assertThat(Files.readString(p)).isEqualTo("previous");
            try (var files = Files.list(dir)) {
                assertThat(files.map(x -> x.getFileName().toString())).containsExactly("b.bin");
            }
        }
    }
}
