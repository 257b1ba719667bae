package seqlab.nn;

import seqlab.tensor.Rng;

/** PyTorch's initialisations, drawn from a seeded {@link Rng} in element order. */
public final class Init {

    private Init() {}

    /** U(−bound, bound). */
    public static void uniform(Parameter p, float bound, Rng rng) {
        float[] d = p.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.uniform(-bound, bound);
        }
    }

    /** N(0, std²). */
    public static void normal(Parameter p, float std, Rng rng) {
        float[] d = p.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rng.nextGaussian() * std);
        }
    }

    public static void constant(Parameter p, float value) {
        java.util.Arrays.fill(p.data(), value);
    }
}
