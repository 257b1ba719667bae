package seqlab.tensor;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import seqlab.kernel.Vec;

/**
 * The arrays of a training step's temporaries, handed back when the step ends and handed out
 * again, zeroed, to the next step that asks for the same length: a step of fixed shapes allocates
 * no large array after its first (the design's "activations live in workspaces sized once per
 * (batch, length)"), so the collector no longer copies a half-built graph in the middle of every
 * step (W9 before this: 12–15 young collections of 30–100 ms in 11 steps).
 *
 * <p>Inside {@code try (Workspace.Step s = workspace.step()) { … }} on one thread, the arrays
 * behind op outputs, the gradients of non-leaf tensors and the values an op keeps for its backward
 * come from here; parameters, their gradients, {@link Tensor#zeros} and anything made outside a
 * step never do. Nothing made inside a step may be used after it ends: its arrays belong to the
 * next step. A step that is never closed leaves its thread allocating into it for good: open
 * steps with try-with-resources only. Lengths the last step did not ask for are let go, and the
 * kept arrays are held softly: the collector may take them back whenever memory runs short (a
 * validation pass, a step of other shapes), so the workspace never costs more than a fresh
 * allocation would. A workspace is confined to the thread that opens its step; other threads see
 * no step and allocate as usual. The open step is per-thread state, like a
 * {@code torch.no_grad()} context.
 */
public final class Workspace {

    private static final ThreadLocal<Workspace> OPEN = new ThreadLocal<>();

    private final boolean poison;
    private SoftReference<Map<Integer, ArrayDeque<float[]>>> free = new SoftReference<>(null);   // length → the last step's arrays not yet handed out
    private final List<float[]> lent = new ArrayList<>();               // handed out in the open step
    private Thread owner;

    private Workspace(boolean poison) {
        this.poison = poison;
    }

    /** An empty workspace: its first step allocates, the next ones reuse. */
    public Workspace() {
        this(false);
    }

    /**
     * A workspace that fills every array with NaN as its step ends, so that a value used after its
     * step (a bug: an array escaped the step) turns into NaN where a test sees it.
     */
    public static Workspace poisoning() {
        return new Workspace(true);
    }

    /** Opens a step on this thread; its arrays are handed back by {@link Step#close()}. */
    public Step step() {
        if (OPEN.get() != null) {
            throw new IllegalStateException("a workspace step is already open on this thread; close it before opening another");
        }
        if (owner != null) {
            throw new IllegalStateException("this workspace has a step open on thread " + owner.getName());
        }
        owner = Thread.currentThread();
        OPEN.set(this);
        return new Step();
    }

    /** A zeroed array of {@code n} floats: from the open step's workspace if this thread has one, else new. */
    static float[] floats(int n) {
        return array(n, true);
    }

    /**
     * An array of {@code n} floats whose values are not set, for an op that writes every element
     * before anything reads it: from the open step's workspace if this thread has one (holding
     * what the last step left there), else new (zeroed).
     */
    static float[] uninitialized(int n) {
        return array(n, false);
    }

    private static float[] array(int n, boolean zeroed) {
        Workspace w = n == 0 ? null : OPEN.get();
        return w == null ? new float[n] : w.take(n, zeroed);
    }

    /** A copy of {@code src}: from the open step's workspace if this thread has one, else a clone. */
    static float[] copyOf(float[] src) {
        Workspace w = src.length == 0 ? null : OPEN.get();
        if (w == null) {
            return src.clone();
        }
        float[] a = w.take(src.length, false);
        System.arraycopy(src, 0, a, 0, src.length);
        return a;
    }

    private float[] take(int n, boolean zeroed) {
        Map<Integer, ArrayDeque<float[]>> kept = free.get();
        ArrayDeque<float[]> q = kept == null ? null : kept.get(n);
        float[] a = q == null ? null : q.poll();
        if (a == null) {
            a = new float[n];
        } else if (zeroed) {
            Vec.zero(a);
        }
        lent.add(a);
        return a;
    }

    /** Arrays kept for the next step (for tests). */
    int retained() {
        int n = 0;
        Map<Integer, ArrayDeque<float[]>> kept = free.get();
        for (ArrayDeque<float[]> q : kept == null ? List.<ArrayDeque<float[]>>of() : kept.values()) {
            n += q.size();
        }
        return n;
    }

    /** One step: closing it hands its arrays back to the workspace. */
    public final class Step implements AutoCloseable {

        private boolean closed;

        private Step() {}

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a workspace step is closed on the thread that opened it (" + owner.getName()
                        + "), not on " + Thread.currentThread().getName());
            }
            closed = true;
            OPEN.remove();
            owner = null;
            Map<Integer, ArrayDeque<float[]>> next = new HashMap<>();   // only this step's lengths are kept
            for (float[] a : lent) {
                if (poison) {
                    Arrays.fill(a, Float.NaN);
                }
                next.computeIfAbsent(a.length, k -> new ArrayDeque<>()).add(a);
            }
            lent.clear();
            free = new SoftReference<>(next);
        }
    }
}
