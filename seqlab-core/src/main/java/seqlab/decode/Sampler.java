package seqlab.decode;

import java.util.Arrays;

import seqlab.tensor.Rng;

/**
 * Picks a token from one row of logits z as a {@link SamplingConfig} says, with a seeded {@link Rng}.
 *
 * <p>The filters chain as Hugging Face's logits warpers do, in its order: temperature (z / T), then
 * top-k (the k largest, and every token tied with the k-th), then top-p over the distribution top-k
 * left (softmax over the kept tokens only): a token stays when the probability of the tokens ranked
 * above it is below p, so the smallest set of most likely tokens whose probability reaches p. The
 * token is drawn from softmax(z / T) renormalised over what is kept.
 */
public final class Sampler {

    private Sampler() {}

    /** The index of the largest logit (the first one on ties). */
    public static int argmax(float[] logits, int off, int n) {
        return seqlab.kernel.Vec.argmax(n, logits, off);
    }

    /** The next token from logits[off, off + n). */
    public static int sample(float[] logits, int off, int n, SamplingConfig cfg, Rng rng) {
        if (cfg.isGreedy()) {
            return argmax(logits, off, n);
        }
        long[] order = descending(logits, off, n);
        int keep = n;
        if (cfg.topK() > 0 && cfg.topK() < n) {                              // top-k, ties with the k-th kept
            keep = cfg.topK();
            float kth = logits[off + token(order[keep - 1])];
            while (keep < n && logits[off + token(order[keep])] == kth) {
                keep++;
            }
        }
        double t = cfg.temperature();
        double max = logits[off + token(order[0])] / t;
        double[] e = new double[keep];                                       // e_r = exp(z_r / T − max), rank order
        double sum = 0;
        for (int r = 0; r < keep; r++) {
            e[r] = Math.exp(logits[off + token(order[r])] / t - max);
            sum += e[r];
        }
        double total = sum;                                                  // Σ e_r over what is kept, in rank order
        if (cfg.topP() < 1f) {                                               // top-p over what top-k kept
            double above = 0;
            for (int r = 0; r < keep; r++) {
                if (above / sum >= cfg.topP()) {
                    keep = r;
                    total = above;
                    break;
                }
                above += e[r];
            }
        }
        if (!(total > 0 && total < Double.POSITIVE_INFINITY)) {                // a NaN or +∞ logit, or every one −∞
            throw new IllegalArgumentException("cannot sample from logits whose largest is " + logits[off + token(order[0])]
                    + ": the model's output is not finite (a diverged model, or every token masked)");
        }
        double u = rng.nextDouble() * total;
        double cum = 0;
        for (int r = 0; r < keep; r++) {
            cum += e[r];
            if (u < cum) {
                return token(order[r]);
            }
        }
        return token(order[keep - 1]);
    }

    /**
     * The tokens by logit, largest first, ties by index: each as one long (the logit's bits made
     * to sort as signed integers, inverted, above the index), so that a primitive sort orders them.
     */
    private static long[] descending(float[] logits, int off, int n) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(logits[off + i] + 0f);                 // −0 as +0: ties by index
            int sortable = bits ^ ((bits >> 31) & 0x7fffffff);             // same order as the floats
            keys[i] = ((long) ~sortable << 32) | i;
        }
        Arrays.sort(keys);
        return keys;
    }

    private static int token(long key) {
        return (int) key;
    }
}
