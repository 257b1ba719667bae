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
import java.util.concurrent.ConcurrentHashMap;

import seqlab.io.IoErrors;

/**
 * One run per directory: a training run holds {@code DIR/.lock}, a file naming the holder's pid,
 * locked with the operating system's file lock for as long as the run lasts; a second run on the
 * same directory is refused with a message naming the holder. The OS releases the lock when its
 * process ends however it ends (kill -9 included), so a lock file whose lock nobody holds is
 * stale: it is taken over, and {@link #staleHolder()} says whose it was.
 *
 * <p>A command checks {@link #requireFree} first, which writes nothing, and takes the lock with
 * {@link #acquire} only when the run is about to write; so a run refused on the way leaves
 * nothing behind. On {@link #close()} the file is emptied and the lock released; the file stays,
 * since deleting it would let a run that opened it a moment before lock a file no longer in the
 * directory.
 *
 * <p>POSIX drops a process's locks on a file when any of its descriptors of that file is closed,
 * so within this JVM the lock file is never opened while this process holds it: the locks held
 * here are kept in {@link #HELD} (process-wide state, as the OS lock itself is), and a second run
 * in this JVM is refused from there.
 */
public final class RunLock implements AutoCloseable {

    public static final String FILE = ".lock";

    /** A probe by {@link #requireFree} holds the lock for a moment: {@link #acquire} tries again this often, this long apart. */
    private static final int PROBE_RETRIES = 5;
    private static final int PROBE_WAIT_MS = 40;

    /** The lock files this process holds, by real path, with what their file says. */
    private static final ConcurrentHashMap<Path, String> HELD = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path file;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final String staleHolder;

    private RunLock(Path dir, Path file, Path key, FileChannel channel, FileLock lock, String staleHolder) {
        this.dir = dir;
        this.file = file;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.staleHolder = staleHolder;
    }

    /** Thrown when another live process (or this one) holds the directory. */
    public static final class BusyException extends IllegalStateException {
        BusyException(String message) {
            super(message);
        }
    }

    /** Refuses at once if a live run holds {@code dir}; creates and writes nothing. */
    public static void requireFree(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        Path key = null;
        try {
            Path real = dir.toRealPath().resolve(FILE);
            String mine = HELD.putIfAbsent(real, "pid " + ProcessHandle.current().pid() + ", checking");
            if (mine != null) {
                throw busy(dir, mine);
            }
            key = real;                                              // held while probing: no one here locks it meanwhile
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock probe = ch.tryLock();
                if (probe == null) {
                    throw busy(dir, read(ch));
                }
                probe.release();
            }
        } catch (NoSuchFileException e) {
            // gone since we looked: free
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + file + ": " + IoErrors.describe(e), e);
        } finally {
            if (key != null) {
                HELD.remove(key);
            }
        }
    }

    /** Takes the lock of run directory {@code dir} (created if missing). */
    public static RunLock acquire(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            Path key = dir.toRealPath().resolve(FILE);
            String mine = "pid " + ProcessHandle.current().pid() + ", since " + Instant.now();
            String other = HELD.putIfAbsent(key, mine);
            if (other != null) {
                throw busy(dir, other);
            }
            FileChannel ch = null;
            try {
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock();
                for (int retry = 0; lock == null && retry < PROBE_RETRIES; retry++) {
                    Thread.sleep(PROBE_WAIT_MS);                     // another process's requireFree may be probing this instant
                    lock = ch.tryLock();
                }
                if (lock == null) {
                    throw busy(dir, read(ch));
                }
                String previous = read(ch);
                ch.truncate(0);
                ch.write(ByteBuffer.wrap((mine + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(true);
                return new RunLock(dir, file, key, ch, lock, previous.isEmpty() ? null : previous);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                HELD.remove(key);
                ch.close();
                throw new BusyException(dir + ": interrupted while waiting for its lock");
            } catch (IOException | RuntimeException e) {
                HELD.remove(key);
                if (ch != null) {
                    ch.close();                                      // releases the lock, if it was taken
                }
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file + ": " + IoErrors.describe(e), e);
        }
    }

    private static BusyException busy(Path dir, String holder) {
        return new BusyException(dir + " is in use by another training run (" + (holder.isEmpty() ? "holder unknown" : holder)
                + "); wait for it to finish, stop it, or train into another --out");
    }

    /** The run directory this lock holds. */
    public Path dir() {
        return dir;
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
    }
}
