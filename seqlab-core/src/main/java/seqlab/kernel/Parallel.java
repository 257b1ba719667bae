package seqlab.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The explicit thread pool: the one piece of global mutable state in seqlab.
 *
 * <p>{@link #forEach(int, Task)} splits work with a <em>fixed</em> partition: it runs task indices
 * {@code 0..n-1}, each exactly once, worker w taking the contiguous block
 * [n·w/W, n·(w+1)/W); a caller that needs a result independent of the thread count gives every
 * index its own output (no cross-task reduction happens here). {@link #forShares} gives each
 * thread a contiguous share that the others take from the back once they are done with theirs, for
 * tasks whose every output is computed the same way whoever runs it.
 *
 * <p>The workers are persistent and wait for work by spinning briefly, then parking: a training
 * step issues hundreds of small GEMMs (one per time step), and handing each to an executor costs
 * more than the work. A call made from inside a task runs serially on that thread.
 */
public final class Parallel {

    /** One unit of partitioned work. */
    @FunctionalInterface
    public interface Task {
        void run(int index);
    }

    private static final int SPIN = 20_000;

    private static int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private static Pool pool;
    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Parallel() {}

    /** Sets the number of threads, the caller's included (1 runs everything on the caller's thread). */
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

    private static synchronized Pool pool() {
        if (pool == null) {
            pool = new Pool(threads - 1);
        }
        return pool;
    }

    /** A contiguous range [from, to) of a split loop. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Below this many operations (a rough count) a loop stays on the calling thread: the hand-off would cost more. */
    static final long MIN_WORK = 1 << 15;

    /**
     * Runs {@code task} over [0, n) split into one contiguous range per thread, or as the single
     * range [0, n) on the calling thread when {@code work} is below {@link #MIN_WORK}. For loops whose
     * iterations are independent: the result is then the same whatever the split.
     */
    public static void forRanges(int n, long work, Range task) {
        int parts = work < MIN_WORK ? 1 : Math.min(threads(), n);
        if (parts <= 1) {
            task.run(0, n);
            return;
        }
        forEach(parts, i -> task.run((int) ((long) n * i / parts), (int) ((long) n * (i + 1) / parts)));
    }

    /** Runs {@code task(i)} for i in [0, n); the caller's thread takes the first block. */
    public static void forEach(int n, Task task) {
        int t = threads();
        if (!ranSerially(n, t, task)) {
            pool().run(n, Math.min(t, n), task);
        }
    }

    /** True inside a task of this pool, where a further split runs serially. */
    public static boolean inTask() {
        return IN_TASK.get();
    }

    /** Whether work of n parts stays on the calling thread: one part, one thread, or a caller that is itself a task. */
    private static boolean serial(int n, int threads) {
        return n <= 1 || threads <= 1 || IN_TASK.get();
    }

    /** Runs every task on the calling thread, and says so, when there is one task, one thread, or the caller is itself a task. */
    private static boolean ranSerially(int n, int threads, Task task) {
        if (!serial(n, threads)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            task.run(i);
        }
        return true;
    }

    /**
     * Runs {@code task} over [0, n) in contiguous ranges, each index once: of P = min(threads, n)
     * threads, thread w owns the share [n·w/P, n·(w+1)/P) and takes it from the front, half of what
     * is left at a time (at least one index); a thread whose share is done takes the others' last
     * indices, one at a time. For work whose every index gives the same result whoever runs it,
     * where neighbouring indices on one thread reuse data from its cache (a GEMM's blocks of rows
     * reading one packed panel of B): the shares keep that reuse, and taking from the back keeps a
     * thread the machine slows down from holding up the others. One range [0, n) on the calling
     * thread when there is one thread or the caller is itself a task.
     */
    public static void forShares(int n, Range task) {
        int t = threads();
        if (serial(n, t)) {
            if (n > 0) {
                task.run(0, n);
            }
            return;
        }
        int parts = Math.min(t, n);
        AtomicLong[] shares = new AtomicLong[parts];
        for (int w = 0; w < parts; w++) {
            shares[w] = new AtomicLong(range((int) ((long) n * w / parts), (int) ((long) n * (w + 1) / parts)));
        }
        pool().run(parts, parts, w -> {
            for (int v = 0; v < parts; v++) {
                AtomicLong share = shares[(w + v) % parts];
                boolean own = v == 0;
                for (long s = share.get(); from(s) < to(s); s = share.get()) {
                    int lo = from(s);
                    int hi = to(s);
                    int a = own ? lo : hi - 1;                          // own share: the front half; another's: its last index
                    int b = own ? lo + Math.max(1, (hi - lo) / 2) : hi;
                    if (share.compareAndSet(s, own ? range(b, hi) : range(lo, a))) {
                        task.run(a, b);
                    }
                }
            }
        });
    }

    private static long range(int from, int to) {
        return (long) from << 32 | (to & 0xFFFF_FFFFL);
    }

    private static int from(long range) {
        return (int) (range >>> 32);
    }

    private static int to(long range) {
        return (int) range;
    }

    /** Persistent workers; one batch of work at a time (calls are serialised). */
    private static final class Pool {
        private final Thread[] workers;
        private final AtomicInteger generation = new AtomicInteger();
        private final AtomicInteger remaining = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile Task task;
        private volatile int n;
        private volatile int parts;
        private volatile boolean stopped;
        private volatile Thread caller;

        Pool(int count) {
            workers = new Thread[count];
            for (int w = 0; w < count; w++) {
                int id = w + 1;
                workers[w] = new Thread(() -> loop(id), "seqlab-worker-" + id);
                workers[w].setDaemon(true);
                workers[w].start();
            }
        }

        synchronized void run(int count, int p, Task t) {
            task = t;
            n = count;
            parts = p;
            failure.set(null);
            caller = Thread.currentThread();
            remaining.set(p - 1);
            generation.incrementAndGet();                      // publish the work
            for (int w = 0; w < p - 1; w++) {
                LockSupport.unpark(workers[w]);
            }
            block(0);
            int spins = 0;
            while (remaining.get() > 0) {
                if (++spins < SPIN) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            task = null;
            Throwable f = failure.get();
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
        }

        private void block(int w) {
            int lo = (int) ((long) n * w / parts);
            int hi = (int) ((long) n * (w + 1) / parts);
            Task t = task;
            boolean was = IN_TASK.get();
            IN_TASK.set(Boolean.TRUE);
            try {
                for (int i = lo; i < hi; i++) {
                    t.run(i);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                IN_TASK.set(was);
            }
        }

        private void loop(int id) {
            int seen = 0;
            while (!stopped) {
                int spins = 0;
                int g;
                while ((g = generation.get()) == seen && !stopped) {
                    if (++spins < SPIN) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                }
                if (stopped) {
                    return;
                }
                seen = g;
                if (id < parts) {
                    block(id);
                    if (remaining.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        void shutdown() {
            stopped = true;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
        }
    }
}
