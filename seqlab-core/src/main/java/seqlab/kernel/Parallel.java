package seqlab.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The explicit thread pool: the one piece of global mutable state in seqlab.
 *
 * <p>Work is split with a <em>fixed</em> partition: {@link #forEach(int, Task)} runs task indices
 * {@code 0..n-1}, each exactly once, and a caller that needs a result independent of the thread
 * count gives every index its own output (no cross-task reduction happens here). Which thread
 * runs which index may vary; what each index computes may not.
 */
public final class Parallel {

    /** One unit of partitioned work. */
    @FunctionalInterface
    public interface Task {
        void run(int index);
    }

    private static int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private static ExecutorService pool;

    private Parallel() {}

    /** Sets the number of worker threads (1 runs everything on the caller's thread). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        if (n != threads && pool != null) {
            pool.shutdown();
            pool = null;
        }
        threads = n;
    }

    public static synchronized int threads() {
        return threads;
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "seqlab-worker");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** Runs {@code task(i)} for i in [0, n); the caller's thread takes part. */
    public static void forEach(int n, Task task) {
        int t = threads();
        if (n <= 1 || t == 1) {
            for (int i = 0; i < n; i++) {
                task.run(i);
            }
            return;
        }
        // Contiguous blocks of indices per worker; the caller runs the first block.
        int workers = Math.min(t, n);
        ExecutorService p = pool();
        List<Future<?>> futures = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            int lo = (int) ((long) n * w / workers);
            int hi = (int) ((long) n * (w + 1) / workers);
            futures.add(p.submit(() -> {
                for (int i = lo; i < hi; i++) {
                    task.run(i);
                }
            }));
        }
        int hi0 = n / workers;
        RuntimeException first = null;
        try {
            for (int i = 0; i < hi0; i++) {
                task.run(i);
            }
        } catch (RuntimeException e) {
            first = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (first == null) {
                    first = new IllegalStateException("interrupted while waiting for workers", e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
