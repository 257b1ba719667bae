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
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MAGIC = 12582912f;                 // 1.5·2^23: adding it rounds to an integer
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float EXP_MAX = 88.72283f;
    private static final float EXP_MIN = -104f;
    private static final float[] P = {1f / 5040, 1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f};
    private static final float[] T = {21844f / 6081075, -1382f / 155925, 62f / 2835, -17f / 315, 2f / 15, -1f / 3, 1f};
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
        float p = P[0];
        for (int i = 1; i < P.length; i++) {
            p = Math.fma(p, r, P[i]);
        }
        int k = Float.floatToRawIntBits(t) - MAGIC_BITS;
        int k1 = k >> 1;
        int k2 = k - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    public static FloatVector exp(FloatVector x) {
        VectorMask<Float> over = x.compare(VectorOperators.GT, EXP_MAX);
        FloatVector xc = x.max(EXP_MIN);
        FloatVector t = xc.fma(LOG2E, MAGIC);
        FloatVector kf = t.sub(MAGIC);
        FloatVector r = kf.fma(FloatVector.broadcast(F, -LN2_HI), xc);
        r = kf.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, P[0]);
        for (int i = 1; i < P.length; i++) {
            p = p.fma(r, FloatVector.broadcast(F, P[i]));
        }
        IntVector k = t.reinterpretAsInts().sub(MAGIC_BITS);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = k.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over);
    }

    public static float tanh(float x) {
        float a = Math.abs(x);
        if (a < TANH_SMALL) {
            float x2 = x * x;
            float q = T[0];
            for (int i = 1; i < T.length; i++) {
                q = Math.fma(q, x2, T[i]);
            }
            return x * q;
        }
        float e = exp(2f * Math.min(a, TANH_CLAMP));
        return Math.copySign(1f - 2f / (e + 1f), x);
    }

    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector x2 = x.mul(x);
        FloatVector q = FloatVector.broadcast(F, T[0]);
        for (int i = 1; i < T.length; i++) {
            q = q.fma(x2, FloatVector.broadcast(F, T[i]));
        }
        FloatVector small = x.mul(q);
        FloatVector e = exp(a.min(TANH_CLAMP).mul(2f));
        FloatVector big = FloatVector.broadcast(F, 1f).sub(FloatVector.broadcast(F, 2f).div(e.add(1f)));
        IntVector sign = x.reinterpretAsInts().and(0x80000000);
        big = big.reinterpretAsInts().or(sign).reinterpretAsFloats();
        return big.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
    }

    /** σ(x) = 1 / (1 + e^{−x}). */
    public static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    public static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(F, 1f).div(exp(x.neg()).add(1f));
    }

    static int lanes() {
        return I.length();
    }
}
