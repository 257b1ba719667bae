package seqlab.nn.attention;

import seqlab.tensor.Tensor;

/**
 * The keys and values a decoder's self-attention has computed so far, for decoding one token per
 * step without recomputing the past: (n, capacity, E) each, allocated once per generation, the
 * first {@link #length()} positions of every row filled.
 */
public final class KvCache {

    private final int rows;
    private final int capacity;
    private final int embed;
    private final float[] keys;
    private final float[] values;
    private int length;

    public KvCache(int rows, int capacity, int embed) {
        if (rows < 0 || capacity < 1 || embed < 1) {
            throw new IllegalArgumentException("KV cache of " + rows + " rows, " + capacity + " positions, width " + embed);
        }
        this.rows = rows;
        this.capacity = capacity;
        this.embed = embed;
        this.keys = new float[Math.multiplyExact(Math.multiplyExact(rows, capacity), embed)];
        this.values = new float[keys.length];
    }

    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** Appends one position: row r's key and value from columns [kFrom, kFrom + E) and [vFrom, vFrom + E) of x (n, 1, W). */
    void append(Tensor x, int kFrom, int vFrom) {
        if (length == capacity) {
            throw new IllegalStateException("KV cache full at " + capacity + " positions");
        }
        int w = x.dim(2);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x.data(), r * w + kFrom, keys, (r * capacity + length) * embed, embed);
            System.arraycopy(x.data(), r * w + vFrom, values, (r * capacity + length) * embed, embed);
        }
        length++;
    }

    /** The keys as a (n, capacity, E) tensor over the cache's own array (no copy). */
    Tensor keys() {
        return Tensor.of(keys, rows, capacity, embed);
    }

    Tensor values() {
        return Tensor.of(values, rows, capacity, embed);
    }

    /** A new cache holding the given rows, in order. */
    public KvCache rows(int[] picked) {
        KvCache c = new KvCache(picked.length, capacity, embed);
        int row = capacity * embed;
        for (int i = 0; i < picked.length; i++) {
            System.arraycopy(keys, picked[i] * row, c.keys, i * row, length * embed);
            System.arraycopy(values, picked[i] * row, c.values, i * row, length * embed);
        }
        c.length = length;
        return c;
    }
}
