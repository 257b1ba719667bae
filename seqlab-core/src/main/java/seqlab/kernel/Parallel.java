package seqlab.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The explicit thread pool: the one piece of global mutable state in seqlab.
 *
 * <p>Every split gives each thread a contiguous share of the work that it takes from the front and
 * that the others, once done with their own, take from the back ({@link #forEach(int, Task)} and
 * {@link #forRanges} an index or a range at a time, {@link #forShares} half of what is left of the
 * owner's share at a time): each index runs exactly once, on whichever thread takes it, so a
 * caller that needs a result independent of the thread count gives every index its own output (no
 * cross-task reduction happens here). A call returns once every index has run, without waiting
 * for a worker that has not woken by then: on a VM that deschedules a vCPU for milliseconds, the
 * other thread does that share instead of waiting for it.
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
     * Runs {@code task} over [0, n) in contiguous ranges, or as the single range [0, n) on the calling
     * thread when {@code work} is below {@link #MIN_WORK}. [0, n) is cut into one to 8 ranges a
     * thread (more than one only where each still gets {@link #MIN_WORK}/4 of the work), each
     * thread owning a contiguous share of them and, once done with it, taking the others' last
     * ones: a thread the machine slows down or deschedules holds up the call by one range, not by
     * its whole share. For loops whose iterations are independent: the result is then the same
     * whatever the split.
     */
    public static void forRanges(int n, long work, Range task) {
        int t = threads();
        if (work < MIN_WORK || serial(n, t)) {
            task.run(0, n);
            return;
        }
        int parts = Math.min(t, n);
        int ranges = (int) Math.min(n, Math.max(parts, Math.min(8L * parts, work / (MIN_WORK / 4))));
        pool().run(ranges, parts, false, (c0, c1) -> task.run((int) ((long) n * c0 / ranges), (int) ((long) n * c1 / ranges)));
    }

    /**
     * Runs {@code task(i)} for i in [0, n), each exactly once; of P = min(threads, n) threads, thread w
     * owns the indices [n·w/P, n·(w+1)/P) (the caller's thread the first) and takes them from the
     * front one at a time, then the others' last ones from the back.
     */
    public static void forEach(int n, Task task) {
        int t = threads();
        if (!ranSerially(n, t, task)) {
            pool().run(n, Math.min(t, n), false, (from, to) -> {
                for (int i = from; i < to; i++) {
                    task.run(i);
                }
            });
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
        pool().run(n, Math.min(t, n), true, task);
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

    /**
     * One call's work: each part's share of the indices still to be taken (from the front by its
     * owner, half of what is left at a time with {@code halves}, else one index; from the back by the
     * others, one index at a time), and the count of indices not yet run to the end. The caller
     * returns when that count is 0, so a worker that has not woken by then is not waited for: it
     * finds nothing left to take.
     */
    private static final class Job {
        final Range task;
        final boolean halves;
        final AtomicLong[] shares;
        final AtomicInteger left;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread caller = Thread.currentThread();

        Job(int n, int parts, boolean halves, Range task) {
            this.task = task;
            this.halves = halves;
            this.left = new AtomicInteger(n);
            shares = new AtomicLong[parts];
            for (int w = 0; w < parts; w++) {
                shares[w] = new AtomicLong(range((int) ((long) n * w / parts), (int) ((long) n * (w + 1) / parts)));
            }
        }

        /** Takes and runs indices until none is left to take: thread {@code id}'s own share first (if it has one), then the others'. */
        void work(int id) {
            int parts = shares.length;
            boolean was = IN_TASK.get();
            IN_TASK.set(Boolean.TRUE);
            try {
                for (int v = 0; v < parts; v++) {
                    int w = (id + v) % parts;
                    AtomicLong share = shares[w];
                    boolean own = w == id;
                    for (long s = share.get(); from(s) < to(s); s = share.get()) {
                        int lo = from(s);
                        int hi = to(s);
                        int a = own ? lo : hi - 1;                          // own share: from the front; another's: its last index
                        int b = !own ? hi : halves ? lo + Math.max(1, (hi - lo) / 2) : lo + 1;
                        if (share.compareAndSet(s, own ? range(b, hi) : range(lo, a))) {
                            run(a, b);
                        }
                    }
                }
            } finally {
                IN_TASK.set(was);
            }
        }

        private void run(int a, int b) {
            try {
                if (failure.get() == null) {                                // after a failure the rest is taken, not run
                    task.run(a, b);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                if (left.addAndGet(a - b) == 0 && Thread.currentThread() != caller) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** Persistent workers; one call's work at a time (calls are serialised). */
    private static final class Pool {
        private final Thread[] workers;
        private final AtomicInteger generation = new AtomicInteger();
        private volatile Job job;
        private volatile boolean stopped;

        Pool(int count) {
            workers = new Thread[count];
            for (int w = 0; w < count; w++) {
                int id = w + 1;
                workers[w] = new Thread(() -> loop(id), "seqlab-worker-" + id);
                workers[w].setDaemon(true);
                workers[w].start();
            }
        }

        /** Runs {@code task} over [0, n) in {@code parts} shares, the caller's thread owning the first; see {@link Job}. */
        synchronized void run(int n, int parts, boolean halves, Range task) {
            Job j = new Job(n, parts, halves, task);
            job = j;
            generation.incrementAndGet();                      // publish the work
            try {
                for (int w = 0; w < Math.min(parts - 1, workers.length); w++) {   // fewer workers than parts: the caller takes the rest
                    LockSupport.unpark(workers[w]);
                }
                j.work(0);
                int spins = 0;
                while (j.left.get() > 0) {                     // only indices a worker is running are left
                    if (++spins < SPIN) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                }
            } finally {
                job = null;
            }
            Throwable f = j.failure.get();
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
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
                Job j = job;                                   // null, or a later call's: either is safe to work on
                if (j != null) {
                    j.work(id);
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
