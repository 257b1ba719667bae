package seqlab.train;

import java.util.List;
import java.util.Map;

import seqlab.kernel.Parallel;
import seqlab.nn.Parameter;

/**
 * Adam (Kingma and Ba 2015) and AdamW (Loshchilov and Hutter 2019), step for step as PyTorch's
 * {@code torch.optim.Adam} / {@code AdamW} (single-tensor path), in float32:
 * <pre>
 * AdamW: θ ← θ·(1 − lr·λ)              Adam: g ← g + λ·θ
 * m ← β₁·m + (1 − β₁)·g
 * v ← β₂·v + (1 − β₂)·g²
 * θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 */
public final class AdamW extends Optimizer {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean decoupled;
    private final List<float[]> m;
    private final List<float[]> v;

    /**
     * @param decoupled true for AdamW (decay applied to θ), false for Adam (decay added to g)
     */
    public AdamW(List<Parameter> params, double beta1, double beta2, double eps, float weightDecay, boolean decoupled,
                 boolean decayMatricesOnly) {
        super(params, weightDecay, decayMatricesOnly);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Invalid beta parameters: (" + beta1 + ", " + beta2 + "), each must be in [0, 1)");
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("Invalid epsilon value: " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupled = decoupled;
        this.m = zerosLikeParams();
        this.v = zerosLikeParams();
    }

    /** PyTorch's AdamW defaults: β = (0.9, 0.999), ε = 1e-8, λ = 0.01. */
    public static AdamW adamw(List<Parameter> params, float weightDecay, boolean decayMatricesOnly) {
        return new AdamW(params, 0.9, 0.999, 1e-8, weightDecay, true, decayMatricesOnly);
    }

    @Override
    public void step(float lr) {
        steps++;
        double bc1 = 1 - Math.pow(beta1, steps);
        double bc2 = 1 - Math.pow(beta2, steps);
        float stepSize = (float) (lr / bc1);
        float b1 = (float) beta1;                     // PyTorch passes Python floats (doubles)
        float b2 = (float) beta2;
        float omb1 = (float) (1 - beta1);
        float omb2 = (float) (1 - beta2);
        float epsF = (float) eps;
        float bc2Sqrt = (float) Math.sqrt(bc2);
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            float[] g = p.tensor().gradOrNull();
            if (g == null) {
                continue;
            }
            float[] w = p.data();
            float[] mk = m.get(k);
            float[] vk = v.get(k);
            float wd = decay(k);
            float shrink = (float) (1 - (double) lr * wd);
            Parallel.forRanges(w.length, 8L * w.length, (i0, i1) -> {     // every element on its own: any split, the same bits
                for (int i = i0; i < i1; i++) {
                    float gi = g[i];
                    if (decoupled) {
                        if (wd != 0f) {
                            w[i] *= shrink;                                     // θ ← θ(1 − lr·λ)
                        }
                    } else if (wd != 0f) {
                        gi = gi + wd * w[i];                                    // g ← g + λθ
                    }
                    mk[i] = mk[i] * b1 + gi * omb1;                   // m ← β₁m + (1 − β₁)g
                    vk[i] = vk[i] * b2 + gi * gi * omb2;              // v ← β₂v + (1 − β₂)g²
                    float denom = (float) Math.sqrt(vk[i]) / bc2Sqrt + epsF;
                    w[i] += -stepSize * (mk[i] / denom);                        // θ ← θ − step·m/denom
                }
            });
        }
    }

    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = newState();
        named("exp_avg", m, s);
        named("exp_avg_sq", v, s);
        return s;
    }
}
