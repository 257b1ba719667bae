package seqlab.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.kernel.FusedAttention.Dims;
import seqlab.kernel.FusedAttention.Dropout;
import seqlab.kernel.FusedAttention.Operand;

/** The fused attention kernel against the materialising loops, over shapes, masks and layouts. */
class FusedAttentionTest {

    private static final int[] SIZES = {1, 2, 7, 33, 129, 1000};
    private static final int[] HEAD_SIZES = {1, 7, 32, 64};
    private static final String[] MASKS = {"none", "causal", "padding", "causal+padding", "key_padding", "attn_mask", "empty_rows"};

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(2);
    }

    /** Every (T, S) pair of {1, 2, 7, 33, 129, 1000}, head sizes and masks taken in turn so each meets each. */
    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        int n = 0;
        for (int t : SIZES) {
            for (int s : SIZES) {
                int d = HEAD_SIZES[n % HEAD_SIZES.length];
                String mask = MASKS[n % MASKS.length];
                boolean big = (long) t * s > 50_000;
                out.add(Arguments.of(big ? 1 : 2, big ? 1 : 3, t, s, d, mask, n % 5 == 4 ? 0.3f : 0f));
                n++;
            }
        }
        for (String mask : MASKS) {                                         // every mask on two tiled shapes
            out.add(Arguments.of(2, 2, 129, 129, 64, mask, 0f));
            out.add(Arguments.of(3, 2, 70, 200, 7, mask, 0.1f));
        }
        out.add(Arguments.of(0, 2, 5, 5, 4, "none", 0f));                  // an empty batch
        out.add(Arguments.of(2, 2, 0, 5, 4, "none", 0f));                  // no queries
        out.add(Arguments.of(2, 2, 5, 0, 4, "none", 0f));                  // no keys: zeros
        return out.stream();
    }

    @ParameterizedTest(name = "B={0} H={1} T={2} S={3} D={4} {5} dropout {6}")
    @MethodSource("shapes")
    void fusedMatchesTheMaterialisedLoops(int b, int h, int t, int s, int d, String maskKind, float p) {
        SplittableRandom rnd = new SplittableRandom(31L * t + 7L * s + d);
        Case c = new Case(b, h, t, s, d, mask(maskKind, b, t, s, rnd), new Dropout(p, 99), rnd);
        Result fused = c.run(false);
        Result ref = c.run(true);
        KernelTesting.assertClose("output", ref.out, fused.out, 2e-6, 2e-4);
        KernelTesting.assertClose("log-sum-exp", finite(ref.lse), finite(fused.lse), 2e-6, 2e-5);
        for (int i = 0; i < ref.lse.length; i++) {
            assertThat(fused.lse[i] == Float.NEGATIVE_INFINITY).as("row %d sees no key", i).isEqualTo(ref.lse[i] == Float.NEGATIVE_INFINITY);
        }
        KernelTesting.assertClose("dq", ref.dq, fused.dq, 2e-5, 5e-4);
        KernelTesting.assertClose("dk", ref.dk, fused.dk, 2e-5, 5e-4);
        KernelTesting.assertClose("dv", ref.dv, fused.dv, 2e-5, 5e-4);
        for (float[] x : List.of(fused.out, fused.dq, fused.dk, fused.dv)) {
            for (float v : x) {
                assertThat(v).isFinite();
            }
        }
    }

    @Test
    void aQueryThatSeesNoKeyGivesZerosAndNoGradient() {
        SplittableRandom rnd = new SplittableRandom(3);
        int b = 2, h = 2, t = 5, s = 6, d = 8;
        boolean[] hidden = new boolean[t * s];
        Arrays.fill(hidden, 2 * s, 3 * s, true);                          // query 2 sees nothing
        AttentionMask mask = AttentionMask.padding(new int[] {4, 0}).and(AttentionMask.hidden(hidden, t, s));   // row 1: no keys
        Case c = new Case(b, h, t, s, d, mask, Dropout.NONE, rnd);
        Result r = c.run(false);
        float[] dq = minus(r.dq, c.dqStart);
        float[] dk = minus(r.dk, c.dkStart);
        int e = h * d;
        for (int i = 0; i < t; i++) {
            boolean empty = i == 2;
            float[] row0 = Arrays.copyOfRange(r.out, i * e, (i + 1) * e);
            float[] row1 = Arrays.copyOfRange(r.out, (t + i) * e, (t + i + 1) * e);
            assertThat(row1).containsOnly(0f);
            if (empty) {
                assertThat(row0).containsOnly(0f);
                assertThat(Arrays.copyOfRange(dq, i * e, (i + 1) * e)).containsOnly(0f);
            } else {
                assertThat(row0).isNotEqualTo(new float[e]);
            }
        }
        assertThat(Arrays.copyOfRange(dq, t * e, 2 * t * e)).containsOnly(0f);
        assertThat(Arrays.copyOfRange(dk, s * e, 2 * s * e)).containsOnly(0f);
        assertThat(Arrays.copyOfRange(dk, 4 * e, s * e)).as("padding keys of row 0").containsOnly(0f);
        assertThat(Arrays.copyOfRange(dk, 0, 4 * e)).as("real keys of row 0").isNotEqualTo(new float[4 * e]);
    }

    @Test
    void aHiddenKeyWithAHugeScoreStillGetsNothing() {
        // a constant such as −1e4 added to the score would lose to a score of 1e8; −∞ never does
        SplittableRandom rnd = new SplittableRandom(4);
        int t = 3, s = 4, d = 4;
        Case c = new Case(1, 1, t, s, d, AttentionMask.padding(new int[] {3}), Dropout.NONE, rnd);
        Arrays.fill(c.k, 3 * d, 4 * d, 1e4f);
        Arrays.fill(c.q, 1e4f / 2);
        Arrays.fill(c.v, 3 * d, 4 * d, 1e6f);
        float[] withHuge = c.run(false).out;
        Case without = new Case(1, 1, t, 3, d, AttentionMask.none(), Dropout.NONE, rnd);
        System.arraycopy(c.q, 0, without.q, 0, c.q.length);
        System.arraycopy(c.k, 0, without.k, 0, 3 * d);
        System.arraycopy(c.v, 0, without.v, 0, 3 * d);
        assertThat(withHuge).containsExactly(without.run(false).out);
    }

    @ParameterizedTest(name = "S = {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {10, 100})
    void aNonFiniteScoreIsNotHiddenButPropagates(int s) {
        SplittableRandom rnd = new SplittableRandom(12);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            Case c = new Case(1, 1, s, s, 4, AttentionMask.causal(), Dropout.NONE, rnd);
            int j = s / 2;
            c.k[j * 4] = bad;                                                // key j: queries before j do not see it
            for (int i = 0; i < s; i++) {
                c.q[i * 4] = Math.abs(c.q[i * 4]) + 0.1f;                    // q·k = +∞ (a −∞ score is only a zero weight)
            }
            for (boolean materialised : new boolean[] {false, true}) {
                Result r = c.run(materialised);
                for (int i = 0; i < s; i++) {
                    float o = r.out[i * 4 + 1];
                    if (i < j) {
                        assertThat(o).as("query %d, before the bad key", i).isFinite();
                    } else {
                        assertThat(o).as("query %d sees a %s score (materialised %s)", i, bad, materialised).isNaN();
                    }
                }
            }
        }
    }

    @Test
    void theSameBitsForAnyThreadCount() {
        SplittableRandom rnd = new SplittableRandom(5);
        Case c = new Case(3, 4, 200, 150, 32, AttentionMask.causal().and(AttentionMask.padding(new int[] {150, 80, 3})),
                new Dropout(0.2f, 7), rnd);
        Parallel.setThreads(1);
        Result one = c.run(false);
        for (int threads : new int[] {2, 3, 5}) {
            Parallel.setThreads(threads);
            Result r = c.run(false);
            assertThat(r.out).as("%d threads", threads).containsExactly(one.out);
            assertThat(r.lse).containsExactly(one.lse);
            assertThat(r.dq).containsExactly(one.dq);
            assertThat(r.dk).containsExactly(one.dk);
            assertThat(r.dv).containsExactly(one.dv);
        }
    }

    @Test
    void readsQueriesKeysAndValuesInPlaceFromAFusedProjection() {
        SplittableRandom rnd = new SplittableRandom(6);
        int b = 2, h = 3, t = 40, d = 16, e = h * d;
        Case dense = new Case(b, h, t, t, d, AttentionMask.causal(), Dropout.NONE, rnd);
        float[] qkv = new float[b * t * 3 * e];                             // (B, T, 3E): [q | k | v] per row
        for (int r = 0; r < b * t; r++) {
            System.arraycopy(dense.q, r * e, qkv, r * 3 * e, e);
            System.arraycopy(dense.k, r * e, qkv, r * 3 * e + e, e);
            System.arraycopy(dense.v, r * e, qkv, r * 3 * e + 2 * e, e);
        }
        Dims n = new Dims(b, h, t, t, d);
        float[] out = new float[b * t * e];
        float[] lse = new float[b * h * t];
        FusedAttention.forward(n, 0.25f, AttentionMask.causal(), Dropout.NONE, new Operand(qkv, 0, 3 * e), new Operand(qkv, e, 3 * e),
                new Operand(qkv, 2 * e, 3 * e), Operand.dense(out, e), lse);
        float[] dqkv = new float[qkv.length];
        FusedAttention.backward(n, 0.25f, AttentionMask.causal(), Dropout.NONE, new Operand(qkv, 0, 3 * e), new Operand(qkv, e, 3 * e),
                new Operand(qkv, 2 * e, 3 * e), Operand.dense(out, e), Operand.dense(dense.dOut, e), lse,
                new Operand(dqkv, 0, 3 * e), new Operand(dqkv, e, 3 * e), new Operand(dqkv, 2 * e, 3 * e));
        Result want = dense.run(false);
        assertThat(out).containsExactly(want.out);
        float[] dq = new float[b * t * e];
        float[] dk = new float[b * t * e];
        float[] dv = new float[b * t * e];
        for (int r = 0; r < b * t; r++) {
            System.arraycopy(dqkv, r * 3 * e, dq, r * e, e);
            System.arraycopy(dqkv, r * 3 * e + e, dk, r * e, e);
            System.arraycopy(dqkv, r * 3 * e + 2 * e, dv, r * e, e);
        }
        // want's gradients were added to non-zero starting values; subtract them
        KernelTesting.assertClose("dq", minus(want.dq, dense.dqStart), dq, 1e-6, 1e-5);
        KernelTesting.assertClose("dk", minus(want.dk, dense.dkStart), dk, 1e-6, 1e-5);
        KernelTesting.assertClose("dv", minus(want.dv, dense.dvStart), dv, 1e-6, 1e-5);
    }

    @Test
    void dropoutKeepsAboutOneMinusPAndScalesTheRest() {
        SplittableRandom rnd = new SplittableRandom(8);
        int b = 2, h = 2, t = 64, s = 64, d = 4;
        Case c = new Case(b, h, t, s, d, AttentionMask.none(), new Dropout(0.25f, 11), rnd);
        float[] probs = new float[b * h * t * s];
        float[] softmax = new float[probs.length];
        FusedAttention.materialisedForward(c.dims(), c.scale, c.mask, c.dropout, Operand.dense(c.q, h * d), Operand.dense(c.k, h * d),
                Operand.dense(c.v, h * d), Operand.dense(new float[b * t * h * d], h * d), new float[b * h * t], softmax, probs);
        int zeros = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] == 0f) {
                zeros++;
            } else {
                assertThat(probs[i]).isCloseTo(softmax[i] / 0.75f, org.assertj.core.data.Percentage.withPercentage(1e-4));
            }
        }
        assertThat(zeros / (double) probs.length).isBetween(0.23, 0.27);   // 16,384 draws: σ ≈ 0.0034
        Result other = new Case(b, h, t, s, d, AttentionMask.none(), new Dropout(0.25f, 12), new SplittableRandom(8)).run(false);
        assertThat(other.out).as("another seed, another mask").isNotEqualTo(c.run(false).out);
    }

    /** The integer threshold decides as the float comparison does, at and around the boundary of every p tried. */
    @Test
    void theIntegerThresholdIsTheFloatComparison() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int round = 0; round < 20_000; round++) {
            float p = round < 4 ? new float[] {0.5f, 0x1.0p-24f, 0.1f, Math.nextDown(1f)}[round] : (float) rnd.nextDouble();
            long thr = FusedAttention.threshold(p);
            for (long k = Math.max(0, thr - 2); k <= Math.min((1 << 24) - 1, thr + 2); k++) {
                assertThat(k < thr).as("p %s, k %d", p, k).isEqualTo(k * 0x1.0p-24f < p);
            }
        }
    }

    /** A row of factors drawn a long vector at a time is the per-element draw, at every length (vector tails) and p. */
    @ParameterizedTest(name = "p={0}")
    @ValueSource(floats = {0.1f, 0.25f, 0.5f, 0.9f, 0.999f, 1e-7f})
    void factorsOfARowAreTheFactorOfEachElement(float p) {
        SplittableRandom rnd = new SplittableRandom(Float.floatToIntBits(p));
        float[] out = new float[80];
        long[] bits = new long[80];
        int dropped = 0;
        int drawn = 0;
        for (int round = 0; round < 400; round++) {
            Dropout z = new Dropout(p, rnd.nextLong());
            long base = round % 4 == 0 ? rnd.nextLong(1L << 40) : rnd.nextLong();          // any index, wrapping included
            int cols = round < 80 ? round : rnd.nextInt(81);
            int off = rnd.nextInt(out.length - cols + 1);
            java.util.Arrays.fill(out, Float.NaN);
            z.factors(base, cols, out, off, bits);
            for (int c = 0; c < cols; c++) {
                assertThat(Float.floatToIntBits(out[off + c])).as("p %s, index %d", p, base + c)
                        .isEqualTo(Float.floatToIntBits(z.factor(base + c)));
                dropped += out[off + c] == 0f ? 1 : 0;
                drawn++;
            }
            for (int i = 0; i < out.length; i++) {
                if (i < off || i >= off + cols) {
                    assertThat(out[i]).as("outside [%d, %d): index %d untouched", off, off + cols, i).isNaN();
                }
            }
        }
        assertThat(dropped / (double) drawn).as("share dropped").isCloseTo(p, org.assertj.core.data.Offset.offset(0.03));
    }

    /**
     * The softmax denominators are summed in lane order, so a call gives the same bits before and
     * after the JIT compiles the kernel (reduceLanes' order changed with compilation). Run alone,
     * the first calls are interpreted.
     */
    @Test
    void sameBitsBeforeAndAfterCompilation() {
        SplittableRandom rnd = new SplittableRandom(21);
        int b = 1, h = 2, t = 37, d = 8, e = h * d;
        float[] q = KernelTesting.random(rnd, b * t * e, 2f);
        float[] k = KernelTesting.random(rnd, b * t * e, 2f);
        float[] v = KernelTesting.random(rnd, b * t * e, 1f);
        Dims n = new Dims(b, h, t, t, d);
        float[] first = null;
        for (int rep = 0; rep < 3000; rep++) {
            float[] out = new float[b * t * e];
            float[] lse = new float[b * h * t];
            FusedAttention.forward(n, 0.35f, AttentionMask.none(), Dropout.NONE, Operand.dense(q, e), Operand.dense(k, e),
                    Operand.dense(v, e), Operand.dense(out, e), lse);
            float[] both = new float[out.length + lse.length];
            System.arraycopy(out, 0, both, 0, out.length);
            System.arraycopy(lse, 0, both, out.length, lse.length);
            if (first == null) {
                first = both;
            } else {
                assertThat(both).as("call " + rep).containsExactly(first);
            }
        }
    }

    @Test
    void badSizesAreRefused() {
        assertThatThrownBy(() -> new Dims(1, 0, 2, 2, 4)).hasMessageContaining("heads and head size must be >= 1");
        assertThatThrownBy(() -> new Dropout(1f, 0)).hasMessageContaining("[0, 1)");
        Dims n = new Dims(2, 2, 3, 3, 4);
        float[] small = new float[10];
        float[] ok = new float[2 * 3 * 8];
        assertThatThrownBy(() -> FusedAttention.forward(n, 1f, AttentionMask.none(), Dropout.NONE, Operand.dense(small, 8),
                Operand.dense(ok, 8), Operand.dense(ok, 8), Operand.dense(ok, 8), new float[12]))
                .hasMessageContaining("queries (2 x 3 rows of 8) do not fit an array of 10");
        assertThatThrownBy(() -> FusedAttention.forward(n, 1f, AttentionMask.padding(new int[] {3}), Dropout.NONE, Operand.dense(ok, 8),
                Operand.dense(ok, 8), Operand.dense(ok, 8), Operand.dense(ok, 8), new float[12]))
                .hasMessageContaining("padding mask has 1 lengths for a batch of 2");
        assertThatThrownBy(() -> FusedAttention.forward(n, 1f, AttentionMask.hidden(new boolean[6], 2, 3), Dropout.NONE,
                Operand.dense(ok, 8), Operand.dense(ok, 8), Operand.dense(ok, 8), Operand.dense(ok, 8), new float[12]))
                .hasMessageContaining("attn_mask has shape [2, 3], expected [3, 3]");
    }

    // ------------------------------------------------------------------ helpers

    static AttentionMask mask(String kind, int b, int t, int s, SplittableRandom rnd) {
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            lengths[i] = i == 0 ? s : rnd.nextInt(s + 1);               // row 0 full, the others anything, 0 included
        }
        return switch (kind) {
            case "none" -> AttentionMask.none();
            case "causal" -> AttentionMask.causal();
            case "padding" -> AttentionMask.padding(lengths);
            case "causal+padding" -> AttentionMask.causal().and(AttentionMask.padding(lengths));
            case "key_padding" -> AttentionMask.keyPadding(randomBits(rnd, b * s, 0.3), b, s);
            case "attn_mask" -> AttentionMask.hidden(randomBits(rnd, t * s, 0.5), t, s);
            case "empty_rows" -> {
                boolean[] hidden = randomBits(rnd, t * s, 0.2);
                for (int i = 0; i < t; i += 3) {
                    Arrays.fill(hidden, i * s, (i + 1) * s, true);
                }
                yield AttentionMask.causal().and(AttentionMask.hidden(hidden, t, s));
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static boolean[] randomBits(SplittableRandom rnd, int n, double p) {
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = rnd.nextDouble() < p;
        }
        return out;
    }

    private static float[] finite(float[] x) {
        float[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            if (Float.isInfinite(out[i])) {
                out[i] = 0f;
            }
        }
        return out;
    }

    private static float[] minus(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    private record Result(float[] out, float[] lse, float[] dq, float[] dk, float[] dv) {}

    /** One problem: random (B, T, H·D) queries, (B, S, H·D) keys and values, an output gradient, non-zero gradient buffers. */
    private static final class Case {
        final int b, h, t, s, d;
        final float scale;
        final AttentionMask mask;
        final Dropout dropout;
        final float[] q, k, v, dOut, dqStart, dkStart, dvStart;

        Case(int b, int h, int t, int s, int d, AttentionMask mask, Dropout dropout, SplittableRandom rnd) {
            this.b = b;
            this.h = h;
            this.t = t;
            this.s = s;
            this.d = d;
            this.scale = (float) (1 / Math.sqrt(d));
            this.mask = mask;
            this.dropout = dropout;
            int e = h * d;
            q = KernelTesting.random(rnd, b * t * e, 2f);
            k = KernelTesting.random(rnd, b * s * e, 2f);
            v = KernelTesting.random(rnd, b * s * e, 1f);
            dOut = KernelTesting.random(rnd, b * t * e, 1f);
            dqStart = KernelTesting.random(rnd, b * t * e, 1f);           // gradients are added, not written
            dkStart = KernelTesting.random(rnd, b * s * e, 1f);
            dvStart = KernelTesting.random(rnd, b * s * e, 1f);
        }

        Dims dims() {
            return new Dims(b, h, t, s, d);
        }

        Result run(boolean materialised) {
            int e = h * d;
            float[] out = new float[b * t * e];
            float[] lse = new float[b * h * t];
            float[] dq = dqStart.clone();
            float[] dk = dkStart.clone();
            float[] dv = dvStart.clone();
            Operand qo = Operand.dense(q, e), ko = Operand.dense(k, e), vo = Operand.dense(v, e), oo = Operand.dense(out, e);
            if (materialised) {
                float[] softmax = new float[b * h * t * s];
                FusedAttention.materialisedForward(dims(), scale, mask, dropout, qo, ko, vo, oo, lse, softmax, null);
                FusedAttention.materialisedBackward(dims(), scale, dropout, qo, ko, vo, softmax, Operand.dense(dOut, e), null,
                        Operand.dense(dq, e), Operand.dense(dk, e), Operand.dense(dv, e));
            } else {
                FusedAttention.forward(dims(), scale, mask, dropout, qo, ko, vo, oo, lse);
                FusedAttention.backward(dims(), scale, mask, dropout, qo, ko, vo, oo, Operand.dense(dOut, e), lse,
                        Operand.dense(dq, e), Operand.dense(dk, e), Operand.dense(dv, e));
            }
            return new Result(out, lse, dq, dk, dv);
        }
    }
}
