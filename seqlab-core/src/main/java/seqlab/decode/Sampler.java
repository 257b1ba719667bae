package seqlab.decode;

import java.util.Arrays;

import seqlab.tensor.Rng;

/** Picks a token from one row of logits as a {@link SamplingConfig} says, with a seeded {@link Rng}. */
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
        double[] p = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i] / (double) cfg.temperature());
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[off + i] / (double) cfg.temperature() - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> p[b] != p[a] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        int keep = n;
        if (cfg.topK() > 0) {
            keep = Math.min(keep, cfg.topK());
        }
        if (cfg.topP() < 1f) {
            double cum = 0;
            for (int r = 0; r < keep; r++) {
                cum += p[order[r]];
                if (cum >= cfg.topP()) {
                    keep = r + 1;
                    break;
                }
            }
        }
        double total = 0;
        for (int r = 0; r < keep; r++) {
            total += p[order[r]];
        }
        double u = rng.nextDouble() * total;
        double cum = 0;
        for (int r = 0; r < keep; r++) {
            cum += p[order[r]];
            if (u < cum) {
                return order[r];
            }
        }
        return order[keep - 1];
    }
}
