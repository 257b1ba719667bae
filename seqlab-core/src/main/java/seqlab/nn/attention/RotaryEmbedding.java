package seqlab.nn.attention;

import seqlab.tensor.RotaryOps;
import seqlab.tensor.Tensor;

/**
 * Rotary positions for the queries and keys of self-attention (see {@link RotaryOps}: the
 * half-split convention of GPT-NeoX and LLaMA), base 10000. No parameter; cross-attention is left
 * unrotated, as the source's and the target's positions are not on one axis.
 */
public record RotaryEmbedding(float base) {

    public static final RotaryEmbedding DEFAULT = new RotaryEmbedding(10000f);

    public RotaryEmbedding {
        if (!(base > 1f)) {
            throw new IllegalArgumentException("rotary base must be > 1, got " + base);
        }
    }

    /** The column blocks starting at {@code blocks} of x (B, T, W) rotated, row t at position from + t. */
    public Tensor apply(Tensor x, int[] blocks, int heads, int headDim, int from) {
        return RotaryOps.apply(x, blocks, heads, headDim, from, base);
    }
}
