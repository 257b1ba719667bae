package seqlab.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What an output path names, decided before anything is written, following symbolic links one
 * at a time:
 * <ul>
 * <li>{@link Kind#NEW}: nothing yet; the file is created (atomically) where the links lead;</li>
 * <li>{@link Kind#REGULAR}: a regular file, replaced atomically at the end of the links (the link
 *     itself stays a link);</li>
 * <li>{@link Kind#STREAM}: a character device, a FIFO, or a file descriptor such as
 *     {@code /dev/stdout} (a link into {@code /proc/…/fd}): written through, appending, never
 *     renamed over;</li>
 * <li>{@link Kind#UNWRITABLE}: a directory, a block device or a socket: refused.</li>
 * </ul>
 *
 * @param path where the bytes go (the end of the links)
 * @param what for UNWRITABLE: what the path is ("a directory", "a block device", "a socket", "inside F, which is a file, …")
 */
public record OutputTarget(Path path, Kind kind, String what) {

    public enum Kind { NEW, REGULAR, STREAM, UNWRITABLE }

    private static final int MAX_LINKS = 40;                 // Linux's limit (MAXSYMLINKS)
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    public static OutputTarget of(Path target) {
        Path p = target.toAbsolutePath();
        try {
            for (int hops = 0; hops <= MAX_LINKS; hops++) {
                if (isDescriptor(p)) {
                    return new OutputTarget(p, Kind.STREAM, "a file descriptor");
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    Path file = fileAncestor(p);
                    return file == null ? new OutputTarget(p, Kind.NEW, "a new file") : insideFile(p, file);
                } catch (FileSystemException e) {
                    Path file = fileAncestor(p);                   // ENOTDIR: a file where a directory should be
                    if (file == null) {
                        throw e;
                    }
                    return insideFile(p, file);
                }
                if (a.isSymbolicLink()) {
                    p = p.getParent().resolve(Files.readSymbolicLink(p));
                    continue;
                }
                if (a.isRegularFile()) {
                    return new OutputTarget(p, Kind.REGULAR, "a file");
                }
                if (a.isDirectory()) {
                    return new OutputTarget(p, Kind.UNWRITABLE, "a directory");
                }
                int type = mode(p) & S_IFMT;
                if (type == S_IFBLK) {
                    return new OutputTarget(p, Kind.UNWRITABLE, "a block device");
                }
                if (type == S_IFSOCK) {
                    return new OutputTarget(p, Kind.UNWRITABLE, "a socket");
                }
                return new OutputTarget(p, Kind.STREAM, "a device or FIFO");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + target + ": " + IoErrors.describe(e), e);
        }
        throw new UncheckedIOException("cannot write " + target + ": more than " + MAX_LINKS + " symbolic links in a row",
                new IOException("too many symbolic links"));
    }

    private static OutputTarget insideFile(Path p, Path file) {
        return new OutputTarget(p, Kind.UNWRITABLE, "inside " + file + ", which is a file, not a directory");
    }

    /** The nearest ancestor of {@code p} that exists and is not a directory, or null. */
    private static Path fileAncestor(Path p) {
        for (Path a = p.getParent(); a != null; a = a.getParent()) {
            if (Files.exists(a)) {
                return Files.isDirectory(a) ? null : a;
            }
        }
        return null;
    }

    /** A file-descriptor link such as /proc/self/fd/1 (what /dev/stdout and /dev/fd/N lead to). */
    private static boolean isDescriptor(Path p) throws IOException {
        Path parent = p.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return false;
        }
        return parent.toRealPath().toString().matches("/proc/.+/fd");
    }

    /** The POSIX mode bits, or 0 where the file system does not report them. */
    private static int mode(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return 0;
        }
    }
}
