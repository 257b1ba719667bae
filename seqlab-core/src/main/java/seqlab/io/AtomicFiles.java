package seqlab.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that a reader sees the old file or the new one, never half of one: write a
 * sibling temporary file, force it to disk, rename it over the target atomically, then fsync
 * the directory (best effort: Linux supports it; elsewhere it is skipped). On any failure the
 * temporary file is deleted and the target is untouched. Never writes into an existing file,
 * so a file mapped by a reader is never truncated under it (safetensors issue #764).
 */
public final class AtomicFiles {

    /** Writes the content through the channel; called once. */
    @FunctionalInterface
    public interface Writer {
        void write(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Writes {@code target} as {@link OutputTarget} classifies it: a new or regular file atomically
     * (at the end of any symbolic links), a device, FIFO or descriptor written through, a
     * directory, block device or socket refused.
     */
    public static void write(Path target, Writer writer) {
        OutputTarget t = OutputTarget.of(target);
        switch (t.kind()) {
            case NEW, REGULAR -> replace(target, t.path(), writer);
            case STREAM -> writeThrough(target, t.path(), writer);
            case UNWRITABLE -> throw new UncheckedIOException("cannot write " + target + ": it is " + t.what() + "; give a file name",
                    new IOException(t.what()));
        }
    }

    private static void writeThrough(Path target, Path stream, Writer writer) {
        try (FileChannel ch = FileChannel.open(stream, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            writer.write(ch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + IoErrors.describe(e), e);
        }
    }

    private static void replace(Path target, Path abs, Writer writer) {
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            FileChannel opened = null;
            while (opened == null) {
                // not Files.createTempFile: its files are private (0600); this one gets the umask's permissions, as the target would
                tmp = dir.resolve("." + abs.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
                try {
                    opened = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    tmp = null;                                                 // another writer's name: draw again
                }
            }
            try (FileChannel ch = opened) {
                writer.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically; write to a local disk", e);
            }
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + IoErrors.describe(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original error is the one to report
                }
            }
        }
    }

    /**
     * Deletes the temporary files a killed writer left in {@code dir} (names ".NAME.*.tmp", as
     * {@link #write} makes them); returns how many.
     */
    public static int deleteStaleTemps(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (var files = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : files) {
                if (Files.isRegularFile(p) && Files.deleteIfExists(p)) {
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir + ": " + IoErrors.describe(e), e);
        }
        return n;
    }

    public static void writeString(Path target, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    public static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: not every platform can fsync a directory
        }
    }

}
