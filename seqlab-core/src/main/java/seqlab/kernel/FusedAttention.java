package seqlab.kernel;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Scaled dot-product attention O = softmax(s·Q·Kᵀ, hidden keys −∞)·V for every (batch row, head),
 * fused in the manner of FlashAttention (Dao et al., 2022; the work split of FlashAttention-2):
 * the T×S matrix of scores is never stored. Per query tile, key and value tiles stream through an
 * online softmax (running maximum m and sum ℓ, the accumulator rescaled by e^{m_old − m_new} when
 * the maximum grows); the row's log-sum-exp L = m + ln ℓ is kept for the backward, which recomputes
 * each tile of probabilities P = e^{s·Q·Kᵀ − L}. Memory is O(T·D), not O(T·S).
 *
 * <p>Backward, with dropout Z/(1 − p) on the probabilities (P̃ = P ⊙ Z/(1 − p), O = P̃·V):
 * dV = P̃ᵀ·dO, dP̃ = dO·Vᵀ, dS = P ⊙ (dP̃ ⊙ Z/(1 − p) − δ) with δ_i = dO_i · O_i, dQ = s·dS·K,
 * dK = s·dSᵀ·Q. Two passes, each writing its own outputs: one task per (batch row, head, key tile)
 * for dK and dV, one per (batch row, head, query tile) for dQ; every task sums in a fixed order, so
 * results are the same bits for any thread count.
 *
 * <p>Layout ({@link Operand}): element (b, h, i, d) of queries, outputs and their gradients is at
 * {@code offset + (b·T + i)·stride + h·D + d}, of keys and values at {@code offset + (b·S + j)·stride
 * + h·D + d}: the (B, T, H·D) rows of a projection, batch first, heads side by side, so a fused
 * Q, K, V projection (stride 3·H·D) is read in place. The log-sum-exp is (B, H, T).
 *
 * <p>A hidden key's score is −∞ and never enters the sum (no large negative constant). A query that
 * sees no key gets output 0, log-sum-exp −∞ and gradient 0. A NaN or +∞ among a query's visible
 * scores makes its output, log-sum-exp and gradients NaN, as the plain formula does: a
 * non-finite input is never hidden. {@link #materialisedForward} and
 * {@link #materialisedBackward} are the plain loops over the stored (B, H, T, S) probabilities that
 * the fused kernel is tested against; the layers use them only when the weights are asked for.
 */
public final class FusedAttention {

    /** Queries per tile and keys per tile. */
    static final int BLOCK = 64;

    private FusedAttention() {}

    /** Where a (B, T or S, H·D) operand lives; see the class comment. */
    public record Operand(float[] data, int offset, int stride) {
        public Operand {
            if (data == null || offset < 0 || stride < 0) {
                throw new IllegalArgumentException("attention operand: array " + (data == null ? "null" : data.length)
                        + ", offset " + offset + ", stride " + stride);
            }
        }

        /** A dense (B, rows, width) array at offset 0. */
        public static Operand dense(float[] data, int width) {
            return new Operand(data, 0, width);
        }
    }

    /**
     * The sizes: B batch rows, H heads, T queries and S keys per row, D per head.
     */
    public record Dims(int batch, int heads, int queries, int keys, int headDim) {
        public Dims {
            if (batch < 0 || heads < 1 || queries < 0 || keys < 0 || headDim < 1) {
                throw new IllegalArgumentException("attention sizes: batch " + batch + ", heads " + heads + ", queries " + queries
                        + ", keys " + keys + ", head size " + headDim + " (heads and head size must be >= 1, the rest >= 0)");
            }
        }

        long lseSize() {
            return (long) batch * heads * queries;
        }
    }

    /**
     * Dropout on the attention probabilities: each (b, h, i, j) is kept with probability 1 − p, the
     * choice a hash of the seed and the index (counter-based, so the backward draws the same mask
     * without storing it, in any order and on any thread).
     */
    public record Dropout(float p, long seed) {
        public static final Dropout NONE = new Dropout(0f, 0L);

        public Dropout {
            if (!(p >= 0f && p < 1f)) {
                throw new IllegalArgumentException("attention dropout must be in [0, 1), got " + p);
            }
        }

        float scale() {
            return 1f / (1f - p);
        }

        /** Z_ij/(1 − p): 1/(1 − p) if element {@code index} is kept, else 0. */
        float factor(long index) {
            long z = seed + (index + 1) * GOLDEN;                        // SplitMix64's finaliser
            z = (z ^ (z >>> 30)) * MIX1;
            z = (z ^ (z >>> 27)) * MIX2;
            z ^= z >>> 31;
            float u = (z >>> 40) * 0x1.0p-24f;                           // uniform in [0, 1)
            return u < p ? 0f : scale();
        }

        /**
         * out[off + c] = {@link #factor}(base + c) for c < cols, the hashes a long vector at a time
         * ({@code bits} is scratch of cols longs). The same values: u = k·2⁻²⁴ < p exactly when the
         * integer k = z >>> 40 is below ⌈p·2²⁴⌉.
         */
        void factors(long base, int cols, float[] out, int off, long[] bits) {
            float keep = scale();
            long threshold = threshold(p);
            int bound = LS.loopBound(cols);
            for (int c = 0; c < bound; c += LS.length()) {
                LongVector z = LANE.add(base + c + 1).mul(GOLDEN).add(seed);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(MIX1);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(MIX2);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
                z.lanewise(VectorOperators.LSHR, 40).intoArray(bits, c);
            }
            for (int c = 0; c < bound; c++) {
                out[off + c] = bits[c] < threshold ? 0f : keep;
            }
            for (int c = bound; c < cols; c++) {
                out[off + c] = factor(base + c);
            }
        }
    }

    /** ⌈p·2²⁴⌉: for an integer 0 ≤ k < 2²⁴, k·2⁻²⁴ < p (in float, where both are exact) exactly when k is below it. */
    static long threshold(float p) {
        return (long) Math.ceil(p * 0x1.0p24);
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long MIX1 = 0xBF58476D1CE4E5B9L;
    private static final long MIX2 = 0x94D049BB133111EBL;
    private static final jdk.incubator.vector.VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final LongVector LANE = LongVector.zero(LS).addIndex(1);          // 0, 1, 2, …

    /** O (written) and L (B, H, T) for the given queries, keys and values. */
    public static void forward(Dims n, float scale, AttentionMask mask, Dropout dropout,
                               Operand q, Operand k, Operand v, Operand o, float[] lse) {
        check(n, mask, q, k, v, o, lse);
        int tiles = tiles(n.queries());
        int tasks = n.batch() * n.heads() * tiles;
        Parallel.forRanges(tasks, work(n), (from, to) -> {
            Tiles w = Tiles.of(n.headDim());
            for (int t = from; t < to; t++) {
                int bh = t / tiles;
                forwardTile(n, scale, mask, dropout, q, k, v, o, lse, bh / n.heads(), bh % n.heads(), (t % tiles) * BLOCK, w);
            }
        });
    }

    /**
     * Adds the gradients of the queries, keys and values into dq, dk, dv, given the forward's inputs,
     * output o, log-sum-exp and dO (laid out as o).
     */
    public static void backward(Dims n, float scale, AttentionMask mask, Dropout dropout,
                                Operand q, Operand k, Operand v, Operand o, Operand dO, float[] lse,
                                Operand dq, Operand dk, Operand dv) {
        check(n, mask, q, k, v, o, lse);
        checkGradients(n, dO, dq, dk, dv);
        int d = n.headDim();
        float[] delta = new float[(int) n.lseSize()];                               // δ_i = dO_i · O_i
        Parallel.forRanges(n.batch() * n.heads(), (long) n.batch() * n.heads() * n.queries() * d, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / n.heads();
                int h = bh % n.heads();
                for (int i = 0; i < n.queries(); i++) {
                    delta[bh * n.queries() + i] = Vec.dot(d, dO.data(), row(dO, b, n.queries(), i, h, d),
                            o.data(), row(o, b, n.queries(), i, h, d));
                }
            }
        });
        int keyTiles = tiles(n.keys());
        Parallel.forRanges(n.batch() * n.heads() * keyTiles, 2 * work(n), (from, to) -> {
            Tiles w = Tiles.of(d);
            for (int t = from; t < to; t++) {
                int bh = t / keyTiles;
                keyTileBackward(n, scale, mask, dropout, q, k, v, dO, lse, delta, dk, dv, bh / n.heads(), bh % n.heads(),
                        (t % keyTiles) * BLOCK, w);
            }
        });
        int queryTiles = tiles(n.queries());
        Parallel.forRanges(n.batch() * n.heads() * queryTiles, 2 * work(n), (from, to) -> {
            Tiles w = Tiles.of(d);
            for (int t = from; t < to; t++) {
                int bh = t / queryTiles;
                queryTileBackward(n, scale, mask, dropout, q, k, v, dO, lse, delta, dq, bh / n.heads(), bh % n.heads(),
                        (t % queryTiles) * BLOCK, w);
            }
        });
    }

    /**
     * Scratch of one worker: a tile of scores or probabilities, one of their gradients, and
     * accumulators. Every task writes what it reads, so a thread keeps one and reuses it (a decoding
     * step calls the kernel once per layer and token: allocating 64 KB each time was most of what a
     * generated token allocated).
     */
    private static final class Tiles {
        private static final ThreadLocal<Tiles> MINE = new ThreadLocal<>();

        /** This thread's scratch, with accumulators for head size {@code d} at least. */
        static Tiles of(int d) {
            Tiles w = MINE.get();
            if (w == null || w.acc.length < BLOCK * d) {
                w = new Tiles(d);
                MINE.set(w);
            }
            return w;
        }

        final float[] s = new float[BLOCK * BLOCK];
        final float[] ds = new float[BLOCK * BLOCK];
        final float[] z = new float[BLOCK * BLOCK];                 // the tile's Z/(1 − p), drawn once for P̃ and dP
        final long[] bits = new long[BLOCK];
        final float[] acc;
        final float[] acc2;
        final float[] m = new float[BLOCK];
        final float[] l = new float[BLOCK];
        final int[] ends = new int[BLOCK];
        final boolean[] poisoned = new boolean[BLOCK];

        private Tiles(int d) {
            acc = new float[BLOCK * d];
            acc2 = new float[BLOCK * d];
        }
    }

    private static void forwardTile(Dims n, float scale, AttentionMask mask, Dropout dropout, Operand q, Operand k, Operand v,
                                    Operand o, float[] lse, int b, int h, int i0, Tiles w) {
        int t = n.queries();
        int sLen = n.keys();
        int d = n.headDim();
        int rows = Math.min(BLOCK, t - i0);
        Arrays.fill(w.m, Float.NEGATIVE_INFINITY);
        Arrays.fill(w.l, 0f);
        Arrays.fill(w.poisoned, false);
        Arrays.fill(w.acc, 0, rows * d, 0f);
        int maxEnd = ends(mask, b, i0, rows, t, sLen, w.ends);
        long probBase = (((long) b * n.heads() + h) * t + i0) * sLen;              // index of P[b, h, i0, 0]
        for (int j0 = 0; j0 < maxEnd; j0 += BLOCK) {
            int cols = Math.min(BLOCK, maxEnd - j0);
            Gemm.sgemm(false, true, rows, cols, d, scale, q.data(), row(q, b, t, i0, h, d), q.stride(),
                    k.data(), row(k, b, sLen, j0, h, d), k.stride(), 0f, w.s, 0, BLOCK);          // S = s·Q·Kᵀ
            for (int r = 0; r < rows; r++) {
                int so = r * BLOCK;
                int visible = mask.hide(b, i0 + r, j0, cols, t, sLen, w.ends[r], w.s, so);
                float rowMax = visible == 0 ? Float.NEGATIVE_INFINITY : max(cols, w.s, so);
                if (rowMax == Float.NEGATIVE_INFINITY || w.poisoned[r] || !(rowMax < Float.POSITIVE_INFINITY)) {
                    w.poisoned[r] |= visible > 0 && !(rowMax < Float.POSITIVE_INFINITY);            // NaN or +∞ seen
                    Arrays.fill(w.s, so, so + cols, 0f);
                    continue;
                }
                float mNew = Math.max(w.m[r], rowMax);
                float corr = w.m[r] == Float.NEGATIVE_INFINITY ? 0f : FastMath.exp(w.m[r] - mNew);
                float sum = expShifted(cols, w.s, so, mNew);                                   // P = e^{S − m_new}
                w.l[r] = w.l[r] * corr + sum;                                                  // ℓ = ℓ·e^{m − m_new} + Σ P
                Vec.scale(d, corr, w.acc, r * d);
                w.m[r] = mNew;
                if (dropout.p() > 0f) {
                    dropout.factors(probBase + (long) r * sLen + j0, cols, w.z, so, w.bits);
                    for (int c = 0; c < cols; c++) {
                        w.s[so + c] *= w.z[so + c];                                            // P̃ = P ⊙ Z/(1 − p)
                    }
                }
            }
            Gemm.sgemm(false, false, rows, d, cols, 1f, w.s, 0, BLOCK, v.data(), row(v, b, sLen, j0, h, d), v.stride(),
                    1f, w.acc, 0, d);                                                          // acc += P̃·V
        }
        int lseBase = (b * n.heads() + h) * t + i0;
        for (int r = 0; r < rows; r++) {
            int oi = row(o, b, t, i0 + r, h, d);
            if (w.poisoned[r]) {
                Arrays.fill(o.data(), oi, oi + d, Float.NaN);
                lse[lseBase + r] = Float.NaN;
                continue;
            }
            if (w.l[r] == 0f) {
                Arrays.fill(o.data(), oi, oi + d, 0f);
                lse[lseBase + r] = Float.NEGATIVE_INFINITY;
                continue;
            }
            float inv = 1f / w.l[r];
            for (int c = 0; c < d; c++) {
                o.data()[oi + c] = w.acc[r * d + c] * inv;                                      // O = acc / ℓ
            }
            lse[lseBase + r] = w.m[r] + (float) Math.log(w.l[r]);                              // L = m + ln ℓ
        }
    }

    /** dK and dV of keys [j0, j0 + BLOCK) of (b, h), from every query that sees them. */
    private static void keyTileBackward(Dims n, float scale, AttentionMask mask, Dropout dropout, Operand q, Operand k,
                                        Operand v, Operand dO, float[] lse, float[] delta, Operand dk, Operand dv,
                                        int b, int h, int j0, Tiles w) {
        int t = n.queries();
        int sLen = n.keys();
        int d = n.headDim();
        int cols = Math.min(BLOCK, sLen - j0);
        Arrays.fill(w.acc, 0, cols * d, 0f);                                                    // dK tile
        Arrays.fill(w.acc2, 0, cols * d, 0f);                                                   // dV tile
        int first = mask.isCausal() ? Math.max(0, j0 - (sLen - t)) : 0;                         // earlier queries see no key here
        for (int i0 = first; i0 < t; i0 += BLOCK) {
            int rows = Math.min(BLOCK, t - i0);
            if (!probabilities(n, scale, mask, dropout, q, k, lse, b, h, i0, rows, j0, cols, true, w)) {
                continue;
            }
            Gemm.sgemm(true, false, cols, d, rows, 1f, w.ds, 0, BLOCK, dO.data(), row(dO, b, t, i0, h, d), dO.stride(),
                    1f, w.acc2, 0, d);                                                          // dV += P̃ᵀ·dO
            scoreGradients(n, dropout, v, dO, delta, b, h, i0, rows, j0, cols, w);
            Gemm.sgemm(true, false, cols, d, rows, scale, w.ds, 0, BLOCK, q.data(), row(q, b, t, i0, h, d), q.stride(),
                    1f, w.acc, 0, d);                                                           // dK += s·dSᵀ·Q
        }
        for (int c = 0; c < cols; c++) {
            Vec.add(d, w.acc, c * d, dk.data(), row(dk, b, sLen, j0 + c, h, d));
            Vec.add(d, w.acc2, c * d, dv.data(), row(dv, b, sLen, j0 + c, h, d));
        }
    }

    /** dQ of queries [i0, i0 + BLOCK) of (b, h), from every key they see. */
    private static void queryTileBackward(Dims n, float scale, AttentionMask mask, Dropout dropout, Operand q, Operand k,
                                          Operand v, Operand dO, float[] lse, float[] delta, Operand dq,
                                          int b, int h, int i0, Tiles w) {
        int t = n.queries();
        int sLen = n.keys();
        int d = n.headDim();
        int rows = Math.min(BLOCK, t - i0);
        Arrays.fill(w.acc, 0, rows * d, 0f);
        int maxEnd = ends(mask, b, i0, rows, t, sLen, w.ends);
        for (int j0 = 0; j0 < maxEnd; j0 += BLOCK) {
            int cols = Math.min(BLOCK, maxEnd - j0);
            if (!probabilities(n, scale, mask, dropout, q, k, lse, b, h, i0, rows, j0, cols, false, w)) {   // dV is not needed: no P̃
                continue;
            }
            scoreGradients(n, dropout, v, dO, delta, b, h, i0, rows, j0, cols, w);
            Gemm.sgemm(false, false, rows, d, cols, scale, w.ds, 0, BLOCK, k.data(), row(k, b, sLen, j0, h, d), k.stride(),
                    1f, w.acc, 0, d);                                                           // dQ += s·dS·K
        }
        for (int r = 0; r < rows; r++) {
            Vec.add(d, w.acc, r * d, dq.data(), row(dq, b, t, i0 + r, h, d));
        }
    }

    /**
     * The tile's probabilities recomputed, P = e^{s·Q·Kᵀ − L} (0 where hidden), into {@code w.s},
     * Z/(1 − p) into {@code w.z} (with dropout), and, with {@code tilde}, P̃ = P ⊙ Z/(1 − p) into
     * {@code w.ds}; false if every entry is 0.
     */
    private static boolean probabilities(Dims n, float scale, AttentionMask mask, Dropout dropout, Operand q, Operand k,
                                         float[] lse, int b, int h, int i0, int rows, int j0, int cols, boolean tilde,
                                         Tiles w) {
        int t = n.queries();
        int sLen = n.keys();
        int d = n.headDim();
        Gemm.sgemm(false, true, rows, cols, d, scale, q.data(), row(q, b, t, i0, h, d), q.stride(),
                k.data(), row(k, b, sLen, j0, h, d), k.stride(), 0f, w.s, 0, BLOCK);
        int lseBase = (b * n.heads() + h) * t + i0;
        long probBase = (((long) b * n.heads() + h) * t + i0) * sLen + j0;
        boolean any = false;
        for (int r = 0; r < rows; r++) {
            int so = r * BLOCK;
            float lr = lse[lseBase + r];
            int end = mask.keyEnd(b, i0 + r, t, sLen);
            if (Float.isNaN(lr) || lr == Float.NEGATIVE_INFINITY || end <= j0) {
                float fill = Float.isNaN(lr) ? Float.NaN : 0f;
                Arrays.fill(w.s, so, so + cols, fill);
                if (tilde) {
                    Arrays.fill(w.ds, so, so + cols, fill);
                }
                Arrays.fill(w.z, so, so + cols, 0f);                  // P is NaN or 0 here: dS is NaN or 0 whatever Z is
                any |= Float.isNaN(lr);
                continue;
            }
            mask.hide(b, i0 + r, j0, cols, t, sLen, end, w.s, so);
            expShifted(cols, w.s, so, lr);
            any = true;
            if (dropout.p() > 0f) {
                dropout.factors(probBase + (long) r * sLen, cols, w.z, so, w.bits);    // kept in w.z for scoreGradients
                for (int c = 0; tilde && c < cols; c++) {
                    w.ds[so + c] = w.s[so + c] * w.z[so + c];
                }
            } else if (tilde) {
                System.arraycopy(w.s, so, w.ds, so, cols);
            }
        }
        return any;
    }

    /** dS = P ⊙ (dP̃ ⊙ Z/(1 − p) − δ) into {@code w.ds}, with dP̃ = dO·Vᵀ, P in {@code w.s} and Z/(1 − p) in {@code w.z} (from {@link #probabilities}). */
    private static void scoreGradients(Dims n, Dropout dropout, Operand v, Operand dO, float[] delta, int b, int h,
                                       int i0, int rows, int j0, int cols, Tiles w) {
        int t = n.queries();
        int sLen = n.keys();
        int d = n.headDim();
        Gemm.sgemm(false, true, rows, cols, d, 1f, dO.data(), row(dO, b, t, i0, h, d), dO.stride(),
                v.data(), row(v, b, sLen, j0, h, d), v.stride(), 0f, w.ds, 0, BLOCK);           // dP̃ = dO·Vᵀ
        int deltaBase = (b * n.heads() + h) * t + i0;
        boolean drop = dropout.p() > 0f;
        for (int r = 0; r < rows; r++) {
            int so = r * BLOCK;
            float dr = delta[deltaBase + r];
            for (int c = 0; c < cols; c++) {
                float dp = drop ? w.ds[so + c] * w.z[so + c] : w.ds[so + c];                 // Z as probabilities drew it
                w.ds[so + c] = w.s[so + c] * (dp - dr);
            }
        }
    }

    // ------------------------------------------------------------------ the materialised reference

    /**
     * The plain loops: P = softmax(s·Q·Kᵀ, hidden −∞) stored whole, O = P̃·V, L = the row's
     * log-sum-exp. {@code probs} (B, H, T, S) receives P̃ (after dropout, as PyTorch returns its
     * weights); {@code softmax} (B, H, T, S), if not null, receives P (before dropout), for the backward.
     */
    public static void materialisedForward(Dims n, float scale, AttentionMask mask, Dropout dropout,
                                           Operand q, Operand k, Operand v, Operand o, float[] lse,
                                           float[] softmax, float[] probs) {
        check(n, mask, q, k, v, o, lse);
        int t = n.queries();
        int sLen = n.keys();
        int d = n.headDim();
        double[] e = new double[sLen];
        for (int b = 0; b < n.batch(); b++) {
            for (int h = 0; h < n.heads(); h++) {
                for (int i = 0; i < t; i++) {
                    int qi = row(q, b, t, i, h, d);
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < sLen; j++) {
                        if (!mask.visible(b, i, j, t, sLen)) {
                            e[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        int kj = row(k, b, sLen, j, h, d);
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += (double) q.data()[qi + c] * k.data()[kj + c];
                        }
                        e[j] = scale * dot;
                        max = Math.max(max, e[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < sLen; j++) {
                        e[j] = max == Double.NEGATIVE_INFINITY || e[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(e[j] - max);
                        sum += e[j];
                    }
                    int bhi = (b * n.heads() + h) * t + i;
                    lse[bhi] = sum == 0 ? Float.NEGATIVE_INFINITY : (float) (max + Math.log(sum));
                    int oi = row(o, b, t, i, h, d);
                    double[] out = new double[d];
                    for (int j = 0; j < sLen; j++) {
                        double p = sum == 0 ? 0 : e[j] / sum;
                        double pd = p * dropout.factor((long) bhi * sLen + j);
                        if (softmax != null) {
                            softmax[bhi * sLen + j] = (float) p;
                        }
                        if (probs != null) {
                            probs[bhi * sLen + j] = (float) pd;
                        }
                        int vj = row(v, b, sLen, j, h, d);
                        for (int c = 0; c < d; c++) {
                            out[c] += pd * v.data()[vj + c];
                        }
                    }
                    for (int c = 0; c < d; c++) {
                        o.data()[oi + c] = (float) out[c];
                    }
                }
            }
        }
    }

    /**
     * The plain loops of the backward from the stored P ({@code softmax}, before dropout): dV = P̃ᵀ·dO,
     * dP̃ = dO·Vᵀ (+ {@code dProbs}, the gradient of the returned weights, if not null),
     * dS = P ⊙ (dP − Σ_j P_j dP_j) with dP = dP̃ ⊙ Z/(1 − p), dQ = s·dS·K, dK = s·dSᵀ·Q; added into dq, dk, dv.
     */
    public static void materialisedBackward(Dims n, float scale, Dropout dropout, Operand q, Operand k, Operand v,
                                            float[] softmax, Operand dO, float[] dProbs, Operand dq, Operand dk, Operand dv) {
        checkGradients(n, dO, dq, dk, dv);
        int t = n.queries();
        int sLen = n.keys();
        int d = n.headDim();
        double[] dp = new double[sLen];
        for (int b = 0; b < n.batch(); b++) {
            for (int h = 0; h < n.heads(); h++) {
                for (int i = 0; i < t; i++) {
                    int bhi = (b * n.heads() + h) * t + i;
                    int qi = row(q, b, t, i, h, d);
                    int oi = row(dO, b, t, i, h, d);
                    double dot = 0;
                    for (int j = 0; j < sLen; j++) {
                        float p = softmax[bhi * sLen + j];
                        float z = dropout.factor((long) bhi * sLen + j);
                        int vj = row(v, b, sLen, j, h, d);
                        int dvj = row(dv, b, sLen, j, h, d);
                        double g = dProbs == null ? 0 : dProbs[bhi * sLen + j];
                        for (int c = 0; c < d; c++) {
                            dv.data()[dvj + c] += (float) ((double) p * z * dO.data()[oi + c]);      // dV = P̃ᵀ·dO
                            g += (double) dO.data()[oi + c] * v.data()[vj + c];                     // dP̃ = dO·Vᵀ
                        }
                        dp[j] = g * z;
                        dot += p * dp[j];
                    }
                    for (int j = 0; j < sLen; j++) {
                        double ds = softmax[bhi * sLen + j] * (dp[j] - dot);                           // dS = P ⊙ (dP − Σ P dP)
                        if (ds == 0) {
                            continue;
                        }
                        int kj = row(k, b, sLen, j, h, d);
                        int dkj = row(dk, b, sLen, j, h, d);
                        int dqi = row(dq, b, t, i, h, d);
                        for (int c = 0; c < d; c++) {
                            dq.data()[dqi + c] += (float) (scale * ds * k.data()[kj + c]);
                            dk.data()[dkj + c] += (float) (scale * ds * q.data()[qi + c]);
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static int tiles(int len) {
        return (len + BLOCK - 1) / BLOCK;
    }

    private static long work(Dims n) {
        return 4L * n.batch() * n.heads() * n.queries() * n.keys() * n.headDim();
    }

    /** Index of element (b, h, pos, 0) of an operand of {@code len} positions per batch row. */
    private static int row(Operand x, int b, int len, int pos, int h, int d) {
        return x.offset() + (b * len + pos) * x.stride() + h * d;
    }

    /** Each row's key end into {@code ends}; returns the largest. */
    private static int ends(AttentionMask mask, int b, int i0, int rows, int t, int s, int[] ends) {
        int max = 0;
        for (int r = 0; r < rows; r++) {
            ends[r] = mask.keyEnd(b, i0 + r, t, s);
            max = Math.max(max, ends[r]);
        }
        return max;
    }

    /** The largest value; NaN if any is NaN. */
    private static float max(int n, float[] x, int off) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    /** x ← e^{x − shift} for a finite shift, exactly 0 where x is −∞; returns the sum (per vector lane, then the lanes, then the tail). */
    private static float expShifted(int n, float[] x, int off, float shift) {
        for (int i = 0; i < n; i++) {
            x[off + i] -= shift;
        }
        FastMath.exp(n, x, off, x, off);
        // −∞ − shift: FastMath clamps e^{−∞} to e^{−104}, a subnormal, flushed to 0 here
        FloatVector acc = FloatVector.zero(Vec.F);
        int i = 0;
        for (int bound = Vec.F.loopBound(n); i < bound; i += Vec.F.length()) {
            FloatVector e = FloatVector.fromArray(Vec.F, x, off + i);
            e = e.blend(0f, e.compare(VectorOperators.LT, Float.MIN_NORMAL));      // 0 and the subnormals to 0
            e.intoArray(x, off + i);
            acc = acc.add(e);
        }
        float sum = 0f;
        for (int l = 0; l < Vec.F.length(); l++) {                           // in lane order: reduceLanes' order depends on the JIT
            sum += acc.lane(l);
        }
        for (; i < n; i++) {
            if (x[off + i] < Float.MIN_NORMAL) {
                x[off + i] = 0f;
            }
            sum += x[off + i];
        }
        return sum;
    }

    private static void check(Dims n, AttentionMask mask, Operand q, Operand k, Operand v, Operand o, float[] lse) {
        mask.check(n.batch(), n.queries(), n.keys());
        int width = n.heads() * n.headDim();
        fits("queries", q, n.batch(), n.queries(), width);
        fits("keys", k, n.batch(), n.keys(), width);
        fits("values", v, n.batch(), n.keys(), width);
        fits("output", o, n.batch(), n.queries(), width);
        if (lse.length < n.lseSize()) {
            throw new IllegalArgumentException("attention: log-sum-exp holds " + lse.length + " floats, needs " + n.lseSize());
        }
    }

    private static void checkGradients(Dims n, Operand dO, Operand dq, Operand dk, Operand dv) {
        int width = n.heads() * n.headDim();
        fits("output gradient", dO, n.batch(), n.queries(), width);
        fits("query gradient", dq, n.batch(), n.queries(), width);
        fits("key gradient", dk, n.batch(), n.keys(), width);
        fits("value gradient", dv, n.batch(), n.keys(), width);
    }

    private static void fits(String what, Operand x, int batch, int len, int width) {
        long rows = (long) batch * len;
        if (rows == 0) {
            return;
        }
        if (x.stride() < width || x.offset() + (rows - 1) * x.stride() + width > x.data().length) {
            throw new IllegalArgumentException("attention: " + what + " (" + batch + " x " + len + " rows of " + width
                    + ") do not fit an array of " + x.data().length + " at offset " + x.offset() + ", stride " + x.stride());
        }
    }
}
