package seqlab.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM: C = α·op(A)·op(B) + β·C, row-major, with op(X) = X or Xᵀ.
 *
 * <p>Shapes: op(A) is (M, K), op(B) is (K, N), C is (M, N). A matrix is addressed by an array,
 * an offset and a leading dimension (the row stride as stored): A not transposed is stored (M, K)
 * with {@code lda >= K}; A transposed is stored (K, M) with {@code lda >= M}; likewise B.
 *
 * <p>The fast path follows the BLIS layout: B is packed into K_C × N_R slivers, A into
 * M_R × K_C slivers (M_R = 8 rows with 512-bit vectors, else 4) (packing absorbs the transposes), and a register-blocked micro-kernel keeps an
 * M_R × N_R tile of C in vector registers (N_R = two vectors). The output is split over the
 * thread pool in whole tiles (columns, or a few blocks of rows, by a fixed partition; many blocks of
 * rows in contiguous shares, with op(B) packed once for all threads, the last blocks of a share
 * taken by whichever thread is free); the order of the K sum for every element of C is the same
 * whatever the split, so results are bit-identical for any thread count. With
 * β = 0, C is never read (as in BLAS: a NaN there is ignored): the first K_C block stores its sums.
 * {@link #reference} is the plain loop the fast path is tested against; {@link #useReference}
 * selects it everywhere (for bisecting a numeric difference).
 */
public final class Gemm {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /**
     * Rows of the register tile: 8 with 512-bit vectors (32 registers hold 16 accumulators), else 4.
     * {@code -Dseqlab.gemm.rows=4} or {@code 8} forces one kernel (how the tests cover both on any machine).
     */
    static final int MR = rows(Integer.getInteger("seqlab.gemm.rows", L >= 16 ? 8 : 4));

    private static int rows(int r) {
        if (r != 4 && r != 8) {
            throw new IllegalStateException("-Dseqlab.gemm.rows must be 4 or 8, got " + r);
        }
        return r;
    }
    static final int NR = 2 * L;
    /** Stored rows of a transposed A packed at a time, each into every sliver (the fastest count on Zen 4). */
    private static final int A_ROWS = 16;
    /** Stored rows of a plain B packed at a time, each into every sliver (likewise). */
    private static final int B_ROWS = 8;
    /**
     * Plain A and transposed B are transposed in registers, 8 floats wide, where vectors are at
     * least that wide; with 128-bit vectors (NEON) 256-bit operations are not compiled to
     * instructions, and the scalar loops are used ({@code -Dseqlab.gemm.transposes=false} forces them, for the tests).
     */
    static final boolean REGISTER_TRANSPOSES = F.vectorBitSize() >= 256
            && Boolean.parseBoolean(System.getProperty("seqlab.gemm.transposes", "true"));
    private static final int KC = 256;
    private static final int MC = 16 * MR;
    private static final int NC = 64 * NR;

    private static volatile boolean useReference = Boolean.getBoolean("seqlab.reference");

    /** Per thread: packed A (M_C × K_C), packed B (K_C × N_C, or a whole shared op(B)), the edge tile. */
    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][] {new float[MC * KC], new float[KC * NC], new float[MR * NR]});

    /**
     * The calling thread's packed-B buffer, grown to hold a whole op(B) packed once and read by every
     * thread of one call (its own blocks then read the shared B, never this buffer). Not reentrant:
     * nothing that runs while it is in use calls sgemm (a call from inside a pool task runs
     * serially and never shares).
     */
    private static float[] sharedBuffer(int size) {
        float[][] buf = BUFFERS.get();
        if (buf[1].length < size) {
            buf[1] = new float[size];
        }
        return buf[1];
    }

    private Gemm() {}

    /** Routes every call to the reference loop (true) or the fast path (false). */
    public static void useReference(boolean on) {
        useReference = on;
    }

    /**
     * op(B) packed once for many products with different A (a recurrent weight used at every time
     * step): the same slivers the fast path would pack per call, for all of K and N.
     */
    public static final class PackedB {
        final float[] data;
        final int k;
        final int n;
        final int npad;
        final boolean transB;          // the source, for the reference path
        final float[] src;
        final int srcOff;
        final int ld;

        private PackedB(float[] data, int k, int n, int npad, boolean transB, float[] src, int srcOff, int ld) {
            this.data = data;
            this.k = k;
            this.n = n;
            this.npad = npad;
            this.transB = transB;
            this.src = src;
            this.srcOff = srcOff;
            this.ld = ld;
        }
    }

    /** Packs op(B) (K, N) for {@link #sgemm(boolean, int, float, float[], int, int, PackedB, float, float[], int, int)}. */
    public static PackedB pack(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        return packInto(new float[Math.multiplyExact(k, padded(n))], transB, k, n, b, bOff, ldb);
    }

    /** N rounded up to whole slivers of N_R. */
    private static int padded(int n) {
        return (n + NR - 1) / NR * NR;
    }

    /** Packs op(B) (K, N) into {@code data} (at least K × {@link #padded} N), the slivers split over the pool. */
    private static PackedB packInto(float[] data, boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        int npad = padded(n);
        int slivers = npad / NR;
        Parallel.forRanges(slivers, (long) k * n, (s0, s1) -> {                  // each range packs its own columns
            int jc = s0 * NR;
            int nc = Math.min(n, s1 * NR) - jc;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, data, pc * npad + jc * kc);
            }
        });
        return new PackedB(data, k, n, npad, transB, b, bOff, ldb);
    }

    /** C = α·op(A)·B + β·C with B pre-packed; M = rows of C, K and N from the packed B. */
    public static void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PackedB b,
                             float beta, float[] c, int cOff, int ldc) {
        int n = b.n;
        int k = b.k;
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("C", c, cOff, ldc, m, n);
        if (useReference) {
            reference(transA, b.transB, m, n, k, alpha, a, aOff, lda, b.src, b.srcOff, b.ld, beta, c, cOff, ldc);
            return;
        }
        if (m == 1) {                                       // the same bits as unpacked: the pack is not read
            rowTimes(transA, b.transB, n, k, alpha, a, aOff, lda, b.src, b.srcOff, b.ld, beta, c, cOff);
            return;
        }
        run(transA, false, m, n, k, alpha, a, aOff, lda, null, 0, 0, b, beta, c, cOff, ldc);
    }

    /** C = α·op(A)·op(B) + β·C; see the class comment for the layout. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (useReference) {
            reference(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (m == 1) {
            rowTimes(transA, transB, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff);
            return;
        }
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc);
    }

    /**
     * C (1, n) = α·op(A)·op(B) + β·C for one row, every layout summing each C[j] in {@link Vec#dot}'s
     * order (so every layout gives the same bits): a column A is gathered into a row; a B stored
     * (n, k) goes to {@link #rowTimesTransposed}, one stored (k, n) to {@link #rowTimesPlain}.
     */
    private static void rowTimes(boolean transA, boolean transB, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b,
                                 int bOff, int ldb, float beta, float[] c, int cOff) {
        if (transA && k > 0) {
            float[] row = new float[k];
            for (int p = 0; p < k; p++) {
                row[p] = a[aOff + p * lda];
            }
            a = row;
            aOff = 0;
        }
        if (transB) {
            rowTimesTransposed(n, k, alpha, a, aOff, b, bOff, ldb, beta, c, cOff);
        } else {
            rowTimesPlain(n, k, alpha, a, aOff, b, bOff, ldb, beta, c, cOff);
        }
    }

    /**
     * C (1, n) = α·a·B + β·C for B (k, n) row-major, B read once by rows: lane l of C[j]'s dot product
     * is Σ a[p]·B[p, j] over p ≡ l (mod L) in p order, fused, as {@link Vec#dot} sums it; then the
     * lanes in order, then the tail.
     */
    private static void rowTimesPlain(int n, int k, float alpha, float[] a, int aOff, float[] b, int bOff, int ldb, float beta,
                                      float[] c, int cOff) {
        int lanes = F.length();
        int bound = F.loopBound(k);
        Parallel.forRanges(n, 2L * n * k, (j0, j1) -> {
            int w = j1 - j0;
            float[] acc = ROW_LANES.zeroed(lanes * w);                                  // acc[l·w + j]: lane l of C[j0 + j]
            int vec = F.loopBound(w);
            for (int p = 0; p < bound; p++) {
                FloatVector ap = FloatVector.broadcast(F, a[aOff + p]);
                float av = a[aOff + p];
                int row = bOff + p * ldb + j0;
                int base = (p % lanes) * w;
                int j = 0;
                for (; j < vec; j += lanes) {
                    ap.fma(FloatVector.fromArray(F, b, row + j), FloatVector.fromArray(F, acc, base + j)).intoArray(acc, base + j);
                }
                for (; j < w; j++) {
                    acc[base + j] = Math.fma(av, b[row + j], acc[base + j]);
                }
            }
            for (int j = 0; j < w; j++) {
                float sum = 0f;
                for (int l = 0; l < lanes; l++) {
                    sum += acc[l * w + j];
                }
                for (int p = bound; p < k; p++) {
                    sum = Math.fma(a[aOff + p], b[bOff + p * ldb + j0 + j], sum);
                }
                c[cOff + j0 + j] = alpha * sum + (beta == 0f ? 0f : beta * c[cOff + j0 + j]);
            }
        });
    }

    /** Per thread: the lanes of a one-row product's sums (a decoding step makes dozens of these a token). */
    private static final ScratchRow ROW_LANES = new ScratchRow();

    /**
     * C (1, n) = α·a·Bᵀ + β·C for one row a (k) and B (n, k) row-major (a Linear's y = x·Wᵀ for one
     * token, as a decoder's step runs it): C[j] is {@link Vec#dot} of a with B's contiguous row j,
     * so B is read once, in place, front to back, with no packing and no register tile three
     * quarters empty; each C[j] is summed in the same order whatever the thread count. One row at a
     * time, not four: four rows read as four interleaved streams ran at 6–9 GB/s on one Zen 4 core
     * where one stream runs at 14–19 (a 43 MB B, both vector widths).
     */
    private static void rowTimesTransposed(int n, int k, float alpha, float[] a, int aOff, float[] b, int bOff, int ldb, float beta,
                                           float[] c, int cOff) {
        Parallel.forRanges(n, 2L * n * k, (j0, j1) -> {
            for (int j = j0; j < j1; j++) {
                float d = Vec.dot(k, a, aOff, b, bOff + j * ldb);
                c[cOff + j] = alpha * d + (beta == 0f ? 0f : beta * c[cOff + j]);
            }
        });
    }

    private static void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, PackedB pre,
                            float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        boolean overwrite = beta == 0f;                      // the first K block stores its sums: C is never read
        if (!overwrite) {
            scale(m, n, beta, c, cOff, ldc);
        }
        int threads = Parallel.inTask() ? 1 : Parallel.threads();   // a call from inside a task runs on that thread
        int tilesN = padded(n) / NR;
        int tilesM = (m + MR - 1) / MR;
        long work = (long) m * n * k;
        int parts = work < 64L * 64 * 64 ? 1 : threads;
        // Splitting N makes every part pack the whole of op(A) (for the generator's weight gradient,
        // M = 6,000 by N = 256, that packed the 2,048 × 6,000 A once per thread: 11% of a Transformer
        // training step); splitting M packs each operand once, op(B) shared. With at least two
        // blocks of M_C rows per thread the rows are split; with fewer, the part boundaries go
        // across the larger of M and N, in whole tiles. A pre-packed B costs nothing to share, and
        // its columns are split so that each part reads its own share of it.
        int blocksM = (m + MC - 1) / MC;
        boolean manyBlocks = pre == null && blocksM >= 2 * parts;
        boolean splitN = !manyBlocks
                && (pre != null || tilesN < parts || tilesM < parts ? tilesN >= tilesM || tilesN >= parts : n >= m);
        int p = Math.min(parts, splitN ? tilesN : tilesM);
        if (p == 1) {
            block(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, pre, overwrite, c, cOff, ldc);
        } else if (splitN) {
            Parallel.forEach(p, i -> {
                int j0 = (int) ((long) tilesN * i / p) * NR;
                int j1 = Math.min(n, (int) ((long) tilesN * (i + 1) / p) * NR);
                block(transA, transB, 0, m, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, pre, overwrite, c, cOff, ldc);
            });
        } else {
            // Rows split: op(B) is packed once, its slivers shared out over the pool, instead of once
            // per thread. With many blocks of rows each thread takes its contiguous share, half of
            // what is left of it at a time, reading each packed K_C × N_C panel of B for all those
            // blocks while the panel is in its cache, and the blocks left at the end go to whichever
            // thread is free (each block's sums are the same whoever computes them: the same bits
            // for any thread count).
            PackedB shared = pre != null ? pre : packInto(sharedBuffer(Math.multiplyExact(k, padded(n))), transB, k, n, b, bOff, ldb);
            if (manyBlocks) {
                Parallel.forShares(blocksM, (b0, b1) -> block(transA, false, b0 * MC, Math.min(m, b1 * MC), 0, n, k,
                        alpha, a, aOff, lda, null, 0, 0, shared, overwrite, c, cOff, ldc));
            } else {
                Parallel.forEach(p, i -> {
                    int i0 = (int) ((long) tilesM * i / p) * MR;
                    int i1 = Math.min(m, (int) ((long) tilesM * (i + 1) / p) * MR);
                    block(transA, false, i0, i1, 0, n, k, alpha, a, aOff, lda, null, 0, 0, shared, overwrite, c, cOff, ldc);
                });
            }
        }
    }

    /** The plain triple loop: C[i,j] = α·Σ_p op(A)[i,p]·op(B)[p,j] + β·C[i,j]. */
    public static void reference(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = alpha * sum + (beta == 0f ? 0f : beta * c[ci]);
            }
        }
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm sizes must be >= 0, got M=" + m + " N=" + n + " K=" + k);
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        checkMatrix("A", a, aOff, lda, aRows, aCols);
        checkMatrix("B", b, bOff, ldb, bRows, bCols);
        checkMatrix("C", c, cOff, ldc, m, n);
        if (c == a || c == b) {
            if (m > 0 && n > 0 && k > 0) {
                throw new IllegalArgumentException("gemm output C must not alias an input");
            }
        }
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (ld < cols) {
            throw new IllegalArgumentException("gemm: leading dimension of " + name + " must be >= " + cols + ", got " + ld);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IllegalArgumentException("gemm: " + name + " (" + rows + "x" + cols + ", offset " + off
                    + ", ld " + ld + ") needs " + last + " elements, array has " + x.length);
        }
    }

    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, row, row + n, 0f);
            } else {
                for (int j = 0; j < n; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }

    /** C[i0:i1, j0:j1] += α·op(A)[i0:i1, :]·op(B)[:, j0:j1] with packing, on this thread; with {@code overwrite} the first K block stores (= instead of +=). */
    private static void block(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                              float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              PackedB pre, boolean overwrite, float[] c, int cOff, int ldc) {
        float[][] buf = BUFFERS.get();
        float[] ap = buf[0];
        float[] bp = pre == null ? buf[1] : pre.data;
        float[] tile = buf[2];
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean store = overwrite && pc == 0;
                int panel;                                   // offset of column col's sliver: panel + col·kc
                if (pre == null) {
                    packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp, 0);
                    panel = -jc * kc;
                } else {
                    panel = pc * pre.npad;
                }
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(transA, alpha, a, aOff, lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int ci = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                micro(kc, ap, ir * kc, bp, panel + (jc + jr) * kc, store, c, ci, ldc);
                            } else {
                                micro(kc, ap, ir * kc, bp, panel + (jc + jr) * kc, true, tile, 0, NR);
                                for (int i = 0; i < mr; i++) {
                                    for (int j = 0; j < nr; j++) {
                                        c[ci + i * ldc + j] = store ? tile[i * NR + j] : c[ci + i * ldc + j] + tile[i * NR + j];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Packs α·op(A)[ic:ic+mc, pc:pc+kc] as M_R-row slivers, k-major, zero-padded to M_R. */
    private static void packA(boolean transA, float alpha, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        int full = mc / MR * MR;
        if (transA) {
            // op(A)[row, col] = a[col·lda + row]: a sliver row is M_R contiguous floats. A_ROWS rows of a at a time,
            // every sliver's share of them: walking all K_C rows per sliver touched a new page every
            // row or two (0.40 ns an element on one Zen 4 core; this 0.28).
            for (int p0 = 0; p0 < kc; p0 += A_ROWS) {
                int pe = Math.min(kc, p0 + A_ROWS);
                for (int ir = 0; ir < full; ir += MR) {
                    int src = aOff + pc * lda + ic + ir;
                    int dst = ir * kc;
                    for (int p = p0; p < pe; p++) {
                        // Scalar, not an M_R-float vector: on AVX2 that is a second float species, and with
                        // two in use C2 boxed the kernels' vectors (BENCHMARKS.md, 2026-12-02 afternoon).
                        int s = src + p * lda;
                        int d = dst + p * MR;
                        for (int i = 0; i < MR; i++) {
                            ap[d + i] = alpha * a[s + i];
                        }
                    }
                }
            }
        } else {                                            // a[row·lda + col]: 8 columns of M_R rows transposed in registers
            int k8 = REGISTER_TRANSPOSES ? kc / 8 * 8 : 0;     // the rest by the scalar loop below
            for (int ir = 0; ir < full; ir += MR) {
                int src = aOff + (ic + ir) * lda + pc;
                int dst = ir * kc;
                for (int p = 0; p < k8; p += 8) {
                    if (MR == 4) {
                        transpose4x8(a, src + p, lda, alpha, ap, dst + p * 4);
                    } else {
                        transpose8x8(a, src + p, lda, alpha, ap, dst + p * 8, 8);
                    }
                }
                for (int i = 0; i < MR; i++) {
                    for (int p = k8; p < kc; p++) {
                        ap[dst + p * MR + i] = alpha * a[src + i * lda + p];
                    }
                }
            }
        }
        if (full < mc) {                                    // the last, partial sliver of mr rows
            int mr = mc - full;
            int base = full * kc;
            if (transA) {                                   // a row of the sliver is contiguous in a: one pass, k-major
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + full;
                    int dst = base + p * MR;
                    for (int i = 0; i < mr; i++) {
                        ap[dst + i] = alpha * a[src + i];
                    }
                    for (int i = mr; i < MR; i++) {
                        ap[dst + i] = 0f;
                    }
                }
            } else {                                        // a row of op(A) is contiguous: zero the sliver once, then row by row
                java.util.Arrays.fill(ap, base, base + kc * MR, 0f);
                for (int i = 0; i < mr; i++) {
                    int src = aOff + (ic + full + i) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + i] = alpha * a[src + p];
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] as N_R-column slivers, k-major, zero-padded to N_R. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp, int bpOff) {
        int full = transB ? 0 : nc / NR * NR;
        // A row of a sliver is two vectors of a row of B. B_ROWS rows of B at a time, every sliver's
        // share of them (a sliver at a time walked K_C rows a page apart: 0.40 ns an element on
        // one Zen 4 core, this 0.16).
        for (int p0 = 0; p0 < kc; p0 += B_ROWS) {
            int pe = Math.min(kc, p0 + B_ROWS);
            for (int jr = 0; jr < full; jr += NR) {
                int base = bpOff + jr * kc;
                for (int p = p0; p < pe; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    FloatVector.fromArray(F, b, src).intoArray(bp, base + p * NR);
                    FloatVector.fromArray(F, b, src + L).intoArray(bp, base + p * NR + L);
                }
            }
        }
        for (int jr = full; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = bpOff + jr * kc;
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    int dst = base + p * NR;
                    System.arraycopy(b, src, bp, dst, nr);
                    java.util.Arrays.fill(bp, dst + nr, dst + NR, 0f);
                }
            } else if (nr == NR) {
                // column j of op(B) is row j of B as stored: 8 × 8 blocks transposed in registers
                // (column at a time, reading in order and writing down the sliver, took 0.47 ns an
                // element on one Zen 4 core; the blocks 0.33)
                int k8 = REGISTER_TRANSPOSES ? kc / 8 * 8 : 0;     // the rest by the scalar loop below
                for (int h = 0; h < NR; h += 8) {
                    int src = bOff + (jc + jr + h) * ldb + pc;
                    for (int p = 0; p < k8; p += 8) {
                        transpose8x8(b, src + p, ldb, 1f, bp, base + p * NR + h, NR);
                    }
                    for (int j = 0; j < 8; j++) {
                        for (int p = k8; p < kc; p++) {
                            bp[base + p * NR + h + j] = b[src + j * ldb + p];
                        }
                    }
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    int dst = base + j;
                    if (j < nr) {
                        int src = bOff + (jc + jr + j) * ldb + pc;
                        for (int p = 0; p < kc; p++) {
                            bp[dst + p * NR] = b[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            bp[dst + p * NR] = 0f;
                        }
                    }
                }
            }
        }
    }

    // Lane selections of two 8-float vectors x, y (index i < 8 is x[i], else y[i − 8]), as AVX's unpack and permute.
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorShuffle<Float> PAIRS_LO = VectorShuffle.fromValues(F8, 0, 8, 1, 9, 4, 12, 5, 13);
    private static final VectorShuffle<Float> PAIRS_HI = VectorShuffle.fromValues(F8, 2, 10, 3, 11, 6, 14, 7, 15);
    private static final VectorShuffle<Float> QUADS_LO = VectorShuffle.fromValues(F8, 0, 1, 8, 9, 4, 5, 12, 13);
    private static final VectorShuffle<Float> QUADS_HI = VectorShuffle.fromValues(F8, 2, 3, 10, 11, 6, 7, 14, 15);
    private static final VectorShuffle<Float> HALVES_LO = VectorShuffle.fromValues(F8, 0, 1, 2, 3, 8, 9, 10, 11);
    private static final VectorShuffle<Float> HALVES_HI = VectorShuffle.fromValues(F8, 4, 5, 6, 7, 12, 13, 14, 15);
    private static final VectorShuffle<Float> ZIP_LO = VectorShuffle.fromValues(F8, 0, 8, 1, 9, 2, 10, 3, 11);
    private static final VectorShuffle<Float> ZIP_HI = VectorShuffle.fromValues(F8, 4, 12, 5, 13, 6, 14, 7, 15);

    /**
     * dst[d + j·ldd + i] = α·src[s + i·lds + j] for i, j < 8: an 8 × 8 block transposed in registers
     * (pairs, then pairs of pairs, then halves). Arrays in, arrays out: a helper that took or
     * returned vectors would make C2 allocate them.
     */
    private static void transpose8x8(float[] src, int s, int lds, float alpha, float[] dst, int d, int ldd) {
        FloatVector r0 = FloatVector.fromArray(F8, src, s).mul(alpha);
        FloatVector r1 = FloatVector.fromArray(F8, src, s + lds).mul(alpha);
        FloatVector r2 = FloatVector.fromArray(F8, src, s + 2 * lds).mul(alpha);
        FloatVector r3 = FloatVector.fromArray(F8, src, s + 3 * lds).mul(alpha);
        FloatVector r4 = FloatVector.fromArray(F8, src, s + 4 * lds).mul(alpha);
        FloatVector r5 = FloatVector.fromArray(F8, src, s + 5 * lds).mul(alpha);
        FloatVector r6 = FloatVector.fromArray(F8, src, s + 6 * lds).mul(alpha);
        FloatVector r7 = FloatVector.fromArray(F8, src, s + 7 * lds).mul(alpha);
        FloatVector t0 = r0.rearrange(PAIRS_LO, r1), t1 = r0.rearrange(PAIRS_HI, r1);
        FloatVector t2 = r2.rearrange(PAIRS_LO, r3), t3 = r2.rearrange(PAIRS_HI, r3);
        FloatVector t4 = r4.rearrange(PAIRS_LO, r5), t5 = r4.rearrange(PAIRS_HI, r5);
        FloatVector t6 = r6.rearrange(PAIRS_LO, r7), t7 = r6.rearrange(PAIRS_HI, r7);
        FloatVector u0 = t0.rearrange(QUADS_LO, t2), u1 = t0.rearrange(QUADS_HI, t2);
        FloatVector u2 = t1.rearrange(QUADS_LO, t3), u3 = t1.rearrange(QUADS_HI, t3);
        FloatVector u4 = t4.rearrange(QUADS_LO, t6), u5 = t4.rearrange(QUADS_HI, t6);
        FloatVector u6 = t5.rearrange(QUADS_LO, t7), u7 = t5.rearrange(QUADS_HI, t7);
        u0.rearrange(HALVES_LO, u4).intoArray(dst, d);
        u1.rearrange(HALVES_LO, u5).intoArray(dst, d + ldd);
        u2.rearrange(HALVES_LO, u6).intoArray(dst, d + 2 * ldd);
        u3.rearrange(HALVES_LO, u7).intoArray(dst, d + 3 * ldd);
        u0.rearrange(HALVES_HI, u4).intoArray(dst, d + 4 * ldd);
        u1.rearrange(HALVES_HI, u5).intoArray(dst, d + 5 * ldd);
        u2.rearrange(HALVES_HI, u6).intoArray(dst, d + 6 * ldd);
        u3.rearrange(HALVES_HI, u7).intoArray(dst, d + 7 * ldd);
    }

    /** dst[d + 4j + i] = α·src[s + i·lds + j] for i < 4, j < 8: four rows of 8 into 8 k-steps of a 4-row sliver. */
    private static void transpose4x8(float[] src, int s, int lds, float alpha, float[] dst, int d) {
        FloatVector r0 = FloatVector.fromArray(F8, src, s).mul(alpha);
        FloatVector r1 = FloatVector.fromArray(F8, src, s + lds).mul(alpha);
        FloatVector r2 = FloatVector.fromArray(F8, src, s + 2 * lds).mul(alpha);
        FloatVector r3 = FloatVector.fromArray(F8, src, s + 3 * lds).mul(alpha);
        FloatVector x0 = r0.rearrange(ZIP_LO, r2), x1 = r0.rearrange(ZIP_HI, r2);     // a0 a2 interleaved
        FloatVector y0 = r1.rearrange(ZIP_LO, r3), y1 = r1.rearrange(ZIP_HI, r3);     // a1 a3 interleaved
        x0.rearrange(ZIP_LO, y0).intoArray(dst, d);                                   // a0 a1 a2 a3 of k-steps 0, 1
        x0.rearrange(ZIP_HI, y0).intoArray(dst, d + 8);
        x1.rearrange(ZIP_LO, y1).intoArray(dst, d + 16);
        x1.rearrange(ZIP_HI, y1).intoArray(dst, d + 24);
    }

    /** C[tile] += (or, with {@code store}, =) the packed A sliver times the packed B sliver, with the tile height of this machine. */
    private static void micro(int kc, float[] ap, int aBase, float[] bp, int bBase, boolean store, float[] c, int ci, int ldc) {
        if (MR == 8) {
            micro8(kc, ap, aBase, bp, bBase, store, c, ci, ldc);
        } else {
            micro4(kc, ap, aBase, bp, bBase, store, c, ci, ldc);
        }
    }

    /**
     * The 4 × 2L register tile: C[0:4, 0:2L] += Σ_p a_p ⊗ b_p over one packed K_C block (α is in the packed A; = with {@code store}).
     * One k-step per loop iteration, over two running offsets (A's and B's; N_R = 4·M_R, so C2
     * derives B's from A's and checks no bound inside the loop). What C2 (JDK 25,
     * AVX2's 16 registers) makes of the alternatives, on one Zen 4 core with L1-resident slivers: a
     * 6 × 2L tile with running indices keeps its twelve accumulators in registers but checks the
     * bounds of every broadcast (a compare and branch per load, more instructions than the core
     * issues: 70 GFLOP/s); with indices from p the checks go, and the scheduler hoists the next
     * step's loads and spills accumulators (38); 5 × 2L 66, 3 × 2L 66, this tile unrolled by 4
     * spills (40); this tile unrolled by 2 with every index from p 72–78, and the whole GEMM then
     * 53–56 on one thread where this loop gives 67–69.
     */
    private static void micro4(int kc, float[] ap, int aBase, float[] bp, int bBase, boolean store,
                              float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        int ae = aBase + 4 * kc;
        for (int ai = aBase, bi = bBase; ai < ae; ai += 4, bi += NR) {              // step p: a_p ⊗ b_p
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector av = FloatVector.broadcast(F, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        // The stores are written out here, not in a helper taking vectors: a call that passes a
        // vector makes C2 box it (a heap allocation per loop iteration), halving the throughput.
        if (store) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + L);
            c10.intoArray(c, ci + ldc);
            c11.intoArray(c, ci + ldc + L);
            c20.intoArray(c, ci + 2 * ldc);
            c21.intoArray(c, ci + 2 * ldc + L);
            c30.intoArray(c, ci + 3 * ldc);
            c31.intoArray(c, ci + 3 * ldc + L);
        } else {
            FloatVector.fromArray(F, c, ci).add(c00).intoArray(c, ci);
            FloatVector.fromArray(F, c, ci + L).add(c01).intoArray(c, ci + L);
            FloatVector.fromArray(F, c, ci + ldc).add(c10).intoArray(c, ci + ldc);
            FloatVector.fromArray(F, c, ci + ldc + L).add(c11).intoArray(c, ci + ldc + L);
            FloatVector.fromArray(F, c, ci + 2 * ldc).add(c20).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(F, c, ci + 2 * ldc + L).add(c21).intoArray(c, ci + 2 * ldc + L);
            FloatVector.fromArray(F, c, ci + 3 * ldc).add(c30).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(F, c, ci + 3 * ldc + L).add(c31).intoArray(c, ci + 3 * ldc + L);
        }
    }

    /** The 8 × 2L register tile: C[0:8, 0:2L] += Σ_p a_p ⊗ b_p over one packed K_C block (α is in the packed A; = with {@code store}). */
    private static void micro8(int kc, float[] ap, int aBase, float[] bp, int bBase, boolean store,
                              float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        int ai = aBase;
        int bi = bBase;
        for (int p = 0; p < kc; p++, ai += 8, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector av = FloatVector.broadcast(F, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(F, ap[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(F, ap[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        // The stores are written out here, not in a helper taking vectors: a call that passes a
        // vector makes C2 box it (a heap allocation per loop iteration), halving the throughput.
        if (store) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + L);
            c10.intoArray(c, ci + ldc);
            c11.intoArray(c, ci + ldc + L);
            c20.intoArray(c, ci + 2 * ldc);
            c21.intoArray(c, ci + 2 * ldc + L);
            c30.intoArray(c, ci + 3 * ldc);
            c31.intoArray(c, ci + 3 * ldc + L);
            c40.intoArray(c, ci + 4 * ldc);
            c41.intoArray(c, ci + 4 * ldc + L);
            c50.intoArray(c, ci + 5 * ldc);
            c51.intoArray(c, ci + 5 * ldc + L);
            c60.intoArray(c, ci + 6 * ldc);
            c61.intoArray(c, ci + 6 * ldc + L);
            c70.intoArray(c, ci + 7 * ldc);
            c71.intoArray(c, ci + 7 * ldc + L);
        } else {
            FloatVector.fromArray(F, c, ci).add(c00).intoArray(c, ci);
            FloatVector.fromArray(F, c, ci + L).add(c01).intoArray(c, ci + L);
            FloatVector.fromArray(F, c, ci + ldc).add(c10).intoArray(c, ci + ldc);
            FloatVector.fromArray(F, c, ci + ldc + L).add(c11).intoArray(c, ci + ldc + L);
            FloatVector.fromArray(F, c, ci + 2 * ldc).add(c20).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(F, c, ci + 2 * ldc + L).add(c21).intoArray(c, ci + 2 * ldc + L);
            FloatVector.fromArray(F, c, ci + 3 * ldc).add(c30).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(F, c, ci + 3 * ldc + L).add(c31).intoArray(c, ci + 3 * ldc + L);
            FloatVector.fromArray(F, c, ci + 4 * ldc).add(c40).intoArray(c, ci + 4 * ldc);
            FloatVector.fromArray(F, c, ci + 4 * ldc + L).add(c41).intoArray(c, ci + 4 * ldc + L);
            FloatVector.fromArray(F, c, ci + 5 * ldc).add(c50).intoArray(c, ci + 5 * ldc);
            FloatVector.fromArray(F, c, ci + 5 * ldc + L).add(c51).intoArray(c, ci + 5 * ldc + L);
            FloatVector.fromArray(F, c, ci + 6 * ldc).add(c60).intoArray(c, ci + 6 * ldc);
            FloatVector.fromArray(F, c, ci + 6 * ldc + L).add(c61).intoArray(c, ci + 6 * ldc + L);
            FloatVector.fromArray(F, c, ci + 7 * ldc).add(c70).intoArray(c, ci + 7 * ldc);
            FloatVector.fromArray(F, c, ci + 7 * ldc + L).add(c71).intoArray(c, ci + 7 * ldc + L);
        }
    }
}
