package seqlab.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import seqlab.io.IoErrors;

/**
 * One run per directory: a training run holds {@code DIR/.lock}, a file naming the holder's pid,
 * locked with the operating system's file lock for as long as the run lasts. A second run on the
 * same directory fails at once with a message naming the holder. The OS releases the lock when
 * its process ends however it ends (kill -9 included), so a lock file whose lock nobody holds is
 * stale: it is taken over, and {@link #staleHolder()} says whose it was. On {@link #close()} the
 * file is emptied and the lock released; the file itself stays (deleting it would let a run that
 * opened it just before lock a file no longer in the directory). A directory the lock created is
 * removed again if nothing but the lock file went into it (a run refused before it began leaves
 * nothing behind).
 *
 * <p>POSIX drops a process's locks on a file when any of its descriptors of that file is closed,
 * so within this JVM the lock file must never be opened twice: the locks this process holds are
 * kept in {@link #HELD} (the one piece of process-wide state here, as the OS lock itself is), and
 * a second run in this JVM is refused from it without touching the file.
 */
public final class RunLock implements AutoCloseable {

    public static final String FILE = ".lock";

    /** The lock files this process holds, by real path, with what their file says. */
    private static final java.util.concurrent.ConcurrentHashMap<Path, String> HELD = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final String staleHolder;
    private final Path created;          // the outermost directory acquire created, or null
    private final Path key;              // in HELD

    private RunLock(Path file, Path key, FileChannel channel, FileLock lock, String staleHolder, Path created) {
        this.file = file;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.staleHolder = staleHolder;
        this.created = created;
    }

    /** Thrown when another live process (or this one) holds the directory. */
    public static final class BusyException extends IllegalStateException {
        BusyException(String message) {
            super(message);
        }
    }

    /** Takes the lock of run directory {@code dir} (created if missing). */
    public static RunLock acquire(Path dir) {
        Path file = dir.resolve(FILE);
        Path created = null;
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            created = p;
        }
        Path key = null;
        try {
            Files.createDirectories(dir);
            key = dir.toRealPath().resolve(FILE);
            String mine = "pid " + ProcessHandle.current().pid() + ", since " + Instant.now();
            String other = HELD.putIfAbsent(key, mine);
            if (other != null) {
                key = null;
                throw busy(dir, other);
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (lock == null) {
                String holder = read(ch);
                ch.close();
                throw busy(dir, holder);
            }
            String previous = read(ch);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((mine + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            RunLock taken = new RunLock(file, key, ch, lock, previous.isEmpty() ? null : previous, created);
            key = null;                                              // now the lock's to release
            return taken;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file + ": " + IoErrors.describe(e), e);
        } finally {
            if (key != null) {
                HELD.remove(key);
                removeIfEmpty(created);
            }
        }
    }

    private static BusyException busy(Path dir, String holder) {
        return new BusyException(dir + " is in use by another training run (" + (holder.isEmpty() ? "holder unknown" : holder)
                + "); wait for it to finish, stop it, or train into another --out");
    }

    /** The holder named in a lock file left by a process that ended without releasing it, or null. */
    public String staleHolder() {
        return staleHolder;
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256);
        ch.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
    }

    @Override
    public void close() {
        try (FileChannel ch = channel) {
            ch.truncate(0);
            ch.force(true);
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + file + ": " + IoErrors.describe(e), e);
        } finally {
            HELD.remove(key);
        }
        removeIfEmpty(created);
    }

    /** Removes {@code top} and the directories under it on the way to the run directory, if they hold nothing but the lock file. */
    private static void removeIfEmpty(Path top) {
        if (top == null) {
            return;
        }
        try (var walk = Files.walk(top)) {
            java.util.List<Path> all = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : all) {
                if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().equals(FILE)) {
                    return;                                        // something was written: keep it all
                }
            }
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: an empty directory left behind is harmless
        }
    }
}
