package seqlab.nn.attention;

import java.util.Arrays;

import seqlab.tensor.Tensor;

/**
 * The keys and values a decoder's self-attention has computed so far, for decoding one token per
 * step without recomputing the past: (n, capacity, E) each, the first {@link #length()} positions
 * of every row filled. The capacity starts small and doubles when full, up to a limit (the
 * model's longest sequence), so a short output never holds a long one's memory.
 */
public final class KvCache {

    private final int rows;
    private final int limit;
    private final int embed;
    private int capacity;
    private float[] keys;
    private float[] values;
    private float[] spareKeys;        // the target of an in-place reorder ({@link #rows}), or null
    private float[] spareValues;
    private int length;

    public KvCache(int rows, int capacity, int limit, int embed) {
        if (rows < 0 || capacity < 1 || limit < capacity || embed < 1) {
            throw new IllegalArgumentException("KV cache of " + rows + " rows, " + capacity + " positions (at most " + limit
                    + "), width " + embed);
        }
        this.rows = rows;
        this.limit = limit;
        this.embed = embed;
        this.capacity = capacity;
        this.keys = new float[Math.multiplyExact(Math.multiplyExact(rows, capacity), embed)];
        this.values = new float[keys.length];
    }

    public int length() {
        return length;
    }

    /** Appends one position: row r's key and value from columns [kFrom, kFrom + E) and [vFrom, vFrom + E) of x (n, 1, W). */
    void append(Tensor x, int kFrom, int vFrom) {
        if (x.rank() != 3 || x.dim(0) != rows || x.dim(1) != 1) {
            throw new IllegalArgumentException("KV cache: one position per row, (" + rows + ", 1, ·), expected; got "
                    + Arrays.toString(x.shape()));
        }
        appendAll(x, kFrom, vFrom);
    }

    /** Appends the T positions of x (n, T, W) (a prompt read in one pass), keys and values from the columns as {@link #append}. */
    void appendAll(Tensor x, int kFrom, int vFrom) {
        if (x.rank() != 3 || x.dim(0) != rows) {
            throw new IllegalArgumentException("KV cache: (" + rows + ", T, ·) expected; got " + Arrays.toString(x.shape()));
        }
        int t = x.dim(1);
        if (length + t > limit) {
            throw new IllegalStateException("KV cache full at its limit of " + limit + " positions");
        }
        reserve(length + t);
        int w = x.dim(2);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < t; i++) {
                int from = (r * t + i) * w;
                int to = (r * capacity + length + i) * embed;
                System.arraycopy(x.data(), from + kFrom, keys, to, embed);
                System.arraycopy(x.data(), from + vFrom, values, to, embed);
            }
        }
        length += t;
    }

    /** The positions the cache holds before it grows. */
    public int capacity() {
        return capacity;
    }

    /** Forgets every position, keeping the arrays (a window read afresh). */
    public void clear() {
        length = 0;
    }

    /** Grows the arrays, if need be, to hold {@code positions} positions in all (at most the limit): before a step that needs them. */
    public void reserve(int positions) {
        while (positions > capacity && capacity < limit) {
            grow();
        }
    }

    private void grow() {
        int bigger = (int) Math.min(limit, 2L * capacity);
        keys = copy(keys, capacity, bigger);
        values = copy(values, capacity, bigger);
        spareKeys = null;
        spareValues = null;
        capacity = bigger;
    }

    /** Each row's filled positions moved into an array of {@code to} positions per row. */
    private float[] copy(float[] from, int fromCapacity, int to) {
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(rows, to), embed)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(from, r * fromCapacity * embed, out, r * to * embed, length * embed);
        }
        return out;
    }

    /** The keys as a (n, capacity, E) tensor over the cache's own array (no copy); positions from length() on are unset. */
    Tensor keys() {
        return Tensor.of(keys, rows, capacity, embed);
    }

    Tensor values() {
        return Tensor.of(values, rows, capacity, embed);
    }

    /**
     * The cache of the given rows, in order (a row may repeat): beam search's reordering. With as
     * many rows as this one it is this cache, reordered in place: the rows are copied into a second
     * pair of arrays kept for this and the pairs swap, so a beam's steps allocate no cache after the
     * first reorder. With another count, a new cache of the same capacity (this one unchanged).
     */
    public KvCache rows(int[] picked) {
        if (picked.length != rows) {
            KvCache c = new KvCache(picked.length, capacity, limit, embed);
            copyRows(picked, c.keys, c.values);
            c.length = length;
            return c;
        }
        if (spareKeys == null) {                                   // dropped when the arrays grow
            spareKeys = new float[keys.length];
            spareValues = new float[keys.length];
        }
        copyRows(picked, spareKeys, spareValues);
        float[] k = keys;
        float[] v = values;
        keys = spareKeys;
        values = spareValues;
        spareKeys = k;
        spareValues = v;
        return this;
    }

    /** Row i of {@code toKeys} and {@code toValues} (same capacity) = this cache's row picked[i], its filled positions. */
    private void copyRows(int[] picked, float[] toKeys, float[] toValues) {
        int row = capacity * embed;
        for (int i = 0; i < picked.length; i++) {
            System.arraycopy(keys, picked[i] * row, toKeys, i * row, length * embed);
            System.arraycopy(values, picked[i] * row, toValues, i * row, length * embed);
        }
    }
}
