package seqlab.tensor;

import java.util.Arrays;

/**
 * Rotary position embedding (RoPE, Su et al., 2021) as a differentiable op, in the half-split
 * convention of GPT-NeoX and LLaMA (Hugging Face's {@code rotate_half}): each head's vector x (d)
 * is split into halves x₁ = x[0, d/2), x₂ = x[d/2, d), and at position p
 * x₁' = x₁·cos(p·θ) − x₂·sin(p·θ), x₂' = x₂·cos(p·θ) + x₁·sin(p·θ), θ_i = base^{−2i/d}.
 * (The original paper and GPT-J rotate interleaved pairs (x_{2i}, x_{2i+1}) instead.) A rotation
 * keeps lengths, and q_p·k_r depends on p − r alone. The backward rotates the gradient back by −p·θ.
 */
public final class RotaryOps {

    private RotaryOps() {}

    /**
     * x (B, T, W) with the rotated blocks of columns [start, start + H·d) for each start in
     * {@code blocks} (the queries' and the keys' of a fused projection), row t at position
     * {@code from + t}; other columns pass through.
     */
    public static Tensor apply(Tensor x, int[] blocks, int heads, int headDim, int from, float base) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head size, got " + headDim);
        }
        int b = x.dim(0);
        int t = x.dim(1);
        int w = x.dim(2);
        for (int start : blocks) {
            if (start < 0 || start + heads * headDim > w) {
                throw new IllegalArgumentException("rotary: block at column " + start + " does not fit " + Arrays.toString(x.shape()));
            }
        }
        int half = headDim / 2;
        float[] cos = new float[t * half];
        float[] sin = new float[t * half];
        for (int i = 0; i < half; i++) {
            double theta = Math.pow(base, -2.0 * i / headDim);                         // θ_i = base^{−2i/d}
            for (int p = 0; p < t; p++) {
                double angle = (double) (from + p) * (float) theta;
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        Tensor y = Tensor.of(Workspace.copyOf(x.data()), x.shape());
        rotate(x.data(), y.data(), b, t, w, blocks, heads, headDim, cos, sin, 1f);
        Node.record(new Tensor[] {y}, new Tensor[] {x}, () -> {
            float[] dy = y.gradOrNull();
            if (dy != null && x.requiresGrad()) {
                float[] back = Workspace.copyOf(dy);
                rotate(dy, back, b, t, w, blocks, heads, headDim, cos, sin, -1f);       // Rᵀ = R(−p·θ)
                seqlab.kernel.Vec.add(back.length, back, 0, x.grad(), 0);
            }
        });
        return y;
    }

    private static void rotate(float[] src, float[] dst, int b, int t, int w, int[] blocks, int heads, int d, float[] cos,
                               float[] sin, float sign) {
        int half = d / 2;
        for (int r = 0; r < b; r++) {
            for (int p = 0; p < t; p++) {
                int row = (r * t + p) * w;
                for (int start : blocks) {
                    for (int h = 0; h < heads; h++) {
                        int o = row + start + h * d;
                        for (int i = 0; i < half; i++) {
                            float c = cos[p * half + i];
                            float s = sign * sin[p * half + i];
                            float x1 = src[o + i];
                            float x2 = src[o + half + i];
                            dst[o + i] = x1 * c - x2 * s;                               // x₁' = x₁cos − x₂sin
                            dst[o + half + i] = x2 * c + x1 * s;                        // x₂' = x₂cos + x₁sin
                        }
                    }
                }
            }
        }
    }
}
