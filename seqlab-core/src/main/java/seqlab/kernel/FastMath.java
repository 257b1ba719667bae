package seqlab.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, tanh and σ in float built only from +, ×, fma and bit moves, in a vector and a scalar form
 * that do the same IEEE operations. Why not {@code lanewise(EXP)}: its compiled form (SVML) and
 * its interpreted form (Math.exp) may differ in the last bit, and which one runs depends on JIT
 * timing, which would break bit-for-bit reproducibility. Accuracy (tested against StrictMath):
 * exp within 2 ulp on [−87, 88]; tanh and σ within 1e-6 relative.
 *
 * <p>exp(x) = 2^k · p(r), k = round(x·log₂e), r = x − k·ln2 (Cody–Waite split of ln2), p the
 * degree-7 Taylor polynomial of e^r on |r| ≤ ln2/2. tanh(x) = x·q(x²) (Taylor to x¹³) for |x| < 0.3,
 * else sign(x)·(1 − 2/(e^{2|x|} + 1)), |x| clamped at 10 where tanh rounds to 1.
 */
public final class FastMath {

    private static final VectorSpecies<Float> F = Vec.F;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MAGIC = 12582912f;                 // 1.5·2^23: adding it rounds to an integer
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float EXP_MAX = 88.72283f;
    private static final float EXP_MIN = -104f;
    // Coefficients as named constants, each Horner step written out: a vector loop over an array of
    // them that C2 does not unroll (it did not once the loop was inlined into GELU on AVX2) carries
    // its vector in a loop phi, which C2 boxes (an allocation per step).
    private static final float P7 = 1f / 5040, P6 = 1f / 720, P5 = 1f / 120, P4 = 1f / 24, P3 = 1f / 6, P2 = 0.5f;   // e^r = Σ r^j/j!
    private static final float T13 = 21844f / 6081075, T11 = -1382f / 155925, T9 = 62f / 2835, T7 = -17f / 315, T5 = 2f / 15,
            T3 = -1f / 3;                                                                                     // tanh x = Σ T_j x^j
    private static final float TANH_SMALL = 0.3f;
    private static final float TANH_CLAMP = 10f;

    private FastMath() {}

    public static float exp(float x) {
        if (x > EXP_MAX) {
            return Float.POSITIVE_INFINITY;
        }
        float xc = Math.max(x, EXP_MIN);
        float t = Math.fma(xc, LOG2E, MAGIC);
        float kf = t - MAGIC;
        float r = Math.fma(kf, -LN2_HI, xc);
        r = Math.fma(kf, -LN2_LO, r);
        float p = Math.fma(P7, r, P6);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int k = Float.floatToRawIntBits(t) - MAGIC_BITS;
        int k1 = k >> 1;
        int k2 = k - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    public static float tanh(float x) {
        return tanhFromExp(x, exp(2f * Math.min(Math.abs(x), TANH_CLAMP)));
    }

    /** σ(x) = 1 / (1 + e^{−x}). */
    public static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    // ------------------------------------------------------------------ array forms
    // Each array form keeps all its vector operations inside one loop of one method: a vector
    // passed to or returned from a call that C2 does not inline is boxed on the heap, which
    // costs more than the math. The lane computation equals the scalar form bit for bit.

    /**
     * e^v lane-wise, each lane the operations of {@link #exp(float)}, for {@link #exp(int, float[], int, float[], int)}'s
     * loop alone: called from a larger loop, C2 may not inline it, and then boxes the vectors (GELU's
     * loops did so on AVX2); kernels call the array form.
     */
    private static FloatVector exp(FloatVector v) {
        VectorMask<Float> over = v.compare(VectorOperators.GT, EXP_MAX);
        FloatVector xc = v.max(EXP_MIN);
        FloatVector t = xc.fma(LOG2E, MAGIC);
        FloatVector kf = t.sub(MAGIC);
        FloatVector r = kf.fma(FloatVector.broadcast(F, -LN2_HI), xc);
        r = kf.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector p = FloatVector.broadcast(F, P7).fma(r, FloatVector.broadcast(F, P6));
        p = p.fma(r, FloatVector.broadcast(F, P5));
        p = p.fma(r, FloatVector.broadcast(F, P4));
        p = p.fma(r, FloatVector.broadcast(F, P3));
        p = p.fma(r, FloatVector.broadcast(F, P2));
        p = p.fma(r, one);
        p = p.fma(r, one);
        IntVector k = t.reinterpretAsInts().sub(MAGIC_BITS);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = k.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over);
    }

    /** out[i] = e^{x[i]} for i in [0, n); out may be x. */
    public static void exp(int n, float[] x, int xOff, float[] out, int oOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            exp(FloatVector.fromArray(F, x, xOff + i)).intoArray(out, oOff + i);
        }
        for (; i < n; i++) {
            out[oOff + i] = exp(x[xOff + i]);
        }
    }

    /** out[i] = σ(x[i]) = 1 / (1 + e^{−x[i]}); out may be x. */
    public static void sigmoid(int n, float[] x, int xOff, float[] out, int oOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).neg().intoArray(out, oOff + i);
        }
        for (; i < n; i++) {
            out[oOff + i] = -x[xOff + i];
        }
        exp(n, out, oOff, out, oOff);
        i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.broadcast(F, 1f).div(FloatVector.fromArray(F, out, oOff + i).add(1f)).intoArray(out, oOff + i);
        }
        for (; i < n; i++) {
            out[oOff + i] = 1f / (1f + out[oOff + i]);
        }
    }

    /** out[i] = tanh(x[i]); out must not overlap x (x is read again after e^{2|x|} is written). */
    public static void tanh(int n, float[] x, int xOff, float[] out, int oOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).abs().min(TANH_CLAMP).mul(2f).intoArray(out, oOff + i);
        }
        for (; i < n; i++) {
            out[oOff + i] = 2f * Math.min(Math.abs(x[xOff + i]), TANH_CLAMP);
        }
        exp(n, out, oOff, out, oOff);                               // e^{2|x|}
        i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector x2 = v.mul(v);
            FloatVector q = FloatVector.broadcast(F, T13).fma(x2, FloatVector.broadcast(F, T11));
            q = q.fma(x2, FloatVector.broadcast(F, T9));
            q = q.fma(x2, FloatVector.broadcast(F, T7));
            q = q.fma(x2, FloatVector.broadcast(F, T5));
            q = q.fma(x2, FloatVector.broadcast(F, T3));
            q = q.fma(x2, FloatVector.broadcast(F, 1f));
            FloatVector e = FloatVector.fromArray(F, out, oOff + i);
            FloatVector big = FloatVector.broadcast(F, 1f).sub(FloatVector.broadcast(F, 2f).div(e.add(1f)));
            big = big.reinterpretAsInts().or(v.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
            big.blend(v.mul(q), v.abs().compare(VectorOperators.LT, TANH_SMALL)).intoArray(out, oOff + i);
        }
        for (; i < n; i++) {
            out[oOff + i] = tanhFromExp(x[xOff + i], out[oOff + i]);
        }
    }

    /** tanh(x) given e = e^{2·min(|x|, 10)}: the same operations as a lane of {@link #tanh(int, float[], int, float[], int)}. */
    private static float tanhFromExp(float x, float e) {
        if (Math.abs(x) < TANH_SMALL) {
            float x2 = x * x;
            float q = Math.fma(T13, x2, T11);
            q = Math.fma(q, x2, T9);
            q = Math.fma(q, x2, T7);
            q = Math.fma(q, x2, T5);
            q = Math.fma(q, x2, T3);
            q = Math.fma(q, x2, 1f);
            return x * q;
        }
        return Math.copySign(1f - 2f / (e + 1f), x);
    }

}
