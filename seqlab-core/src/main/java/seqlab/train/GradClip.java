package seqlab.train;

import java.util.List;

import seqlab.nn.Parameter;

/**
 * Gradient clipping by global norm, PyTorch's {@code clip_grad_norm_}: n = ‖(‖g₁‖, …, ‖g_k‖)‖₂;
 * if max/(n + 1e-6) < 1 every gradient is scaled by it. The norm is summed in double, parameter
 * by parameter in order (deterministic).
 */
public final class GradClip {

    private GradClip() {}

    /** Returns the total norm before clipping (NaN or ∞ if a gradient is not finite). */
    public static double clip(List<Parameter> params, double maxNorm) {
        double total = globalNorm(params);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            for (Parameter p : params) {
                float[] g = p.tensor().gradOrNull();
                if (g != null) {
                    for (int i = 0; i < g.length; i++) {
                        g[i] *= c;
                    }
                }
            }
        }
        return total;
    }

    public static double globalNorm(List<Parameter> params) {
        double sq = 0;
        for (Parameter p : params) {
            float[] g = p.tensor().gradOrNull();
            if (g != null) {
                sq += seqlab.kernel.Vec.sumSquares(g.length, g, 0);
            }
        }
        return Math.sqrt(sq);
    }
}
