package seqlab.kernel;

import java.util.Arrays;

/**
 * Which keys each query may attend to, named by what it means rather than given as a boolean
 * array: a batch of B rows, T queries and S keys per row, key j visible to query i of row b when
 * every part of the mask allows it:
 * <ul>
 * <li>{@link #causal()}: j ≤ i + S − T. The queries are the last T of the S positions (aligned
 *     bottom-right), so a decoder step with a cache of S − 1 earlier keys sees them all and
 *     itself; with T = S this is PyTorch's {@code is_causal} lower triangle;</li>
 * <li>{@link #padding(int[])}: j &lt; lengths[b] (the real tokens come first, padding after);</li>
 * <li>{@link #keyPadding(boolean[], int, int)}: PyTorch's {@code key_padding_mask} (B, S), true = hidden;</li>
 * <li>{@link #hidden(boolean[], int, int)}: PyTorch's boolean {@code attn_mask} (T, S), true = hidden,
 *     the same for every row.</li>
 * </ul>
 * A hidden key gets weight exactly 0 (its score is −∞ and never enters the softmax's sum; no large
 * negative constant a model could learn to beat). A query that sees no key at all gets weight 0
 * everywhere, so its output is 0, never NaN.
 */
public final class AttentionMask {

    private static final AttentionMask NONE = new AttentionMask(false, null, null, 0, 0, null, 0, 0);

    private final boolean causal;
    private final int[] lengths;        // (B) or null
    private final boolean[] keyHidden;  // (B, S) or null
    private final int keyRows;
    private final int keyCols;
    private final boolean[] hidden;     // (T, S) or null
    private final int hiddenRows;
    private final int hiddenCols;

    private AttentionMask(boolean causal, int[] lengths, boolean[] keyHidden, int keyRows, int keyCols,
                          boolean[] hidden, int hiddenRows, int hiddenCols) {
        this.causal = causal;
        this.lengths = lengths;
        this.keyHidden = keyHidden;
        this.keyRows = keyRows;
        this.keyCols = keyCols;
        this.hidden = hidden;
        this.hiddenRows = hiddenRows;
        this.hiddenCols = hiddenCols;
    }

    /** Every query sees every key. */
    public static AttentionMask none() {
        return NONE;
    }

    /** Query i sees keys j ≤ i + S − T (itself and the past). */
    public static AttentionMask causal() {
        return new AttentionMask(true, null, null, 0, 0, null, 0, 0);
    }

    /** Row b's first {@code lengths[b]} keys are real, the rest padding. */
    public static AttentionMask padding(int[] lengths) {
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0) {
                throw new IllegalArgumentException("padding mask: length " + lengths[i] + " at row " + i + " is negative");
            }
        }
        return new AttentionMask(false, lengths.clone(), null, 0, 0, null, 0, 0);
    }

    /** PyTorch's {@code key_padding_mask}: (batch, keys), true where the key is padding. */
    public static AttentionMask keyPadding(boolean[] hidden, int batch, int keys) {
        requireSize("key_padding_mask", hidden, batch, keys);
        return new AttentionMask(false, null, hidden.clone(), batch, keys, null, 0, 0);
    }

    /** PyTorch's boolean {@code attn_mask}: (queries, keys), true where the query may not look, the same for every row. */
    public static AttentionMask hidden(boolean[] hidden, int queries, int keys) {
        requireSize("attn_mask", hidden, queries, keys);
        return new AttentionMask(false, null, null, 0, 0, hidden.clone(), queries, keys);
    }

    /** Keys visible under both masks. At most one part of each kind may be given. */
    public AttentionMask and(AttentionMask o) {
        if ((lengths != null && o.lengths != null) || (keyHidden != null && o.keyHidden != null) || (hidden != null && o.hidden != null)) {
            throw new IllegalArgumentException("attention mask: two masks of the same kind combined; combine them into one first");
        }
        return new AttentionMask(causal || o.causal, lengths != null ? lengths : o.lengths,
                keyHidden != null ? keyHidden : o.keyHidden, keyHidden != null ? keyRows : o.keyRows, keyHidden != null ? keyCols : o.keyCols,
                hidden != null ? hidden : o.hidden, hidden != null ? hiddenRows : o.hiddenRows, hidden != null ? hiddenCols : o.hiddenCols);
    }

    /** Whether this mask hides nothing. */
    public boolean isNone() {
        return !causal && lengths == null && keyHidden == null && hidden == null;
    }

    public boolean isCausal() {
        return causal;
    }

    /** Checks that the mask fits a batch of {@code batch} rows, {@code t} queries and {@code s} keys. */
    public void check(int batch, int t, int s) {
        if (lengths != null && lengths.length != batch) {
            throw new IllegalArgumentException("padding mask has " + lengths.length + " lengths for a batch of " + batch);
        }
        if (lengths != null) {
            for (int len : lengths) {
                if (len > s) {
                    throw new IllegalArgumentException("padding mask: length " + len + " exceeds the " + s + " keys");
                }
            }
        }
        if (keyHidden != null && (keyRows != batch || keyCols != s)) {
            throw new IllegalArgumentException("key_padding_mask has shape [" + keyRows + ", " + keyCols + "], expected [" + batch + ", " + s + "]");
        }
        if (hidden != null && (hiddenRows != t || hiddenCols != s)) {
            throw new IllegalArgumentException("attn_mask has shape [" + hiddenRows + ", " + hiddenCols + "], expected [" + t + ", " + s + "]");
        }
    }

    /**
     * One past the last key query i of row b may see: keys at or beyond it are hidden, and the
     * fused kernel never visits them. Keys before it may still be hidden ({@link #visible}).
     */
    public int keyEnd(int b, int i, int t, int s) {
        int end = lengths != null ? lengths[b] : s;
        if (causal) {
            end = Math.min(end, Math.max(0, i + s - t + 1));
        }
        return end;
    }

    /** Whether keys before {@link #keyEnd} may be hidden too (an explicit mask is given). */
    public boolean hasHoles() {
        return keyHidden != null || hidden != null;
    }

    /** Whether query i of row b sees key j. */
    public boolean visible(int b, int i, int j, int t, int s) {
        if (j >= keyEnd(b, i, t, s)) {
            return false;
        }
        return (keyHidden == null || !keyHidden[b * keyCols + j]) && (hidden == null || !hidden[i * hiddenCols + j]);
    }

    /**
     * Sets the hidden scores of query i of row b, keys j0 … j0 + cols, stored at x[off …], to −∞,
     * given {@code end} = {@link #keyEnd}; returns how many stay visible. Keys from {@code end} on
     * are filled at once; single keys are asked only when the mask {@link #hasHoles}.
     */
    public int hide(int b, int i, int j0, int cols, int t, int s, int end, float[] x, int off) {
        int visible = Math.max(0, Math.min(cols, end - j0));
        java.util.Arrays.fill(x, off + visible, off + cols, Float.NEGATIVE_INFINITY);
        if (hasHoles()) {
            int count = 0;
            for (int c = 0; c < visible; c++) {
                if (visible(b, i, j0 + c, t, s)) {
                    count++;
                } else {
                    x[off + c] = Float.NEGATIVE_INFINITY;
                }
            }
            return count;
        }
        return visible;
    }

    /** The mask of the given batch rows, in order (a beam's hypotheses, each a row of its source). */
    public AttentionMask rows(int[] rows) {
        int[] len = null;
        if (lengths != null) {
            len = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                len[i] = lengths[rows[i]];
            }
        }
        boolean[] key = null;
        if (keyHidden != null) {
            key = new boolean[rows.length * keyCols];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(keyHidden, rows[i] * keyCols, key, i * keyCols, keyCols);
            }
        }
        return new AttentionMask(causal, len, key, key == null ? 0 : rows.length, keyCols, hidden, hiddenRows, hiddenCols);
    }

    /** (batch, keys) true where the one query of each row sees the key: the form of a decoder step's alignment. */
    public boolean[] visibleKeys(int batch, int s) {
        boolean[] out = new boolean[batch * s];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < s; j++) {
                out[b * s + j] = visible(b, 0, j, 1, s);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (causal) {
            sb.append("causal");
        }
        if (lengths != null) {
            sb.append(sb.isEmpty() ? "" : " + ").append("padding").append(Arrays.toString(lengths));
        }
        if (keyHidden != null) {
            sb.append(sb.isEmpty() ? "" : " + ").append("key_padding_mask");
        }
        if (hidden != null) {
            sb.append(sb.isEmpty() ? "" : " + ").append("attn_mask");
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }

    private static void requireSize(String what, boolean[] m, int rows, int cols) {
        if (rows < 0 || cols < 0 || m.length != (long) rows * cols) {
            throw new IllegalArgumentException(what + " has " + m.length + " entries, expected " + rows + " x " + cols);
        }
    }
}
