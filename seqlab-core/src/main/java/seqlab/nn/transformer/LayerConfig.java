package seqlab.nn.transformer;

import seqlab.nn.attention.RotaryEmbedding;

/**
 * The sizes and variant of one Transformer layer, by nn.TransformerEncoderLayer's argument names.
 *
 * @param dModel         d_model, the width of every position's vector
 * @param nhead          attention heads; d_model must be divisible by it
 * @param dimFeedforward the feed-forward layer's inner width
 * @param dropout        on the attention weights, after each sublayer and inside the feed-forward layer, in [0, 1)
 * @param activation     of the feed-forward layer
 * @param normFirst      pre-LN, x + Sublayer(LayerNorm(x)) (Xiong et al., 2020), instead of the paper's
 *                       post-LN, LayerNorm(x + Sublayer(x))
 * @param layerNormEps   ε of every LayerNorm
 * @param rotary         rotary positions in self-attention, or null
 */
public record LayerConfig(int dModel, int nhead, int dimFeedforward, float dropout, Activation activation, boolean normFirst,
                          float layerNormEps, RotaryEmbedding rotary) {

    public LayerConfig {
        if (dModel < 1 || nhead < 1 || dimFeedforward < 1) {
            throw new IllegalArgumentException("d_model, nhead and dim_feedforward must be >= 1, got " + dModel + ", " + nhead
                    + " and " + dimFeedforward);
        }
        if (dModel % nhead != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " is not divisible by nhead " + nhead
                    + "; choose nhead dividing d_model (e.g. " + divisorNear(dModel, nhead) + ")");
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation must be one of " + Activation.IDS);
        }
        if (!(layerNormEps > 0f)) {
            throw new IllegalArgumentException("layer_norm_eps must be > 0, got " + layerNormEps);
        }
        if (rotary != null && (dModel / nhead) % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head size, got d_model / nhead = " + dModel / nhead);
        }
    }

    /** nn.TransformerEncoderLayer's defaults for the rest: dim_feedforward 2048, dropout 0.1, relu, post-LN, ε 1e-5. */
    public static LayerConfig of(int dModel, int nhead) {
        return new LayerConfig(dModel, nhead, 2048, 0.1f, Activation.RELU, false, 1e-5f, null);
    }

    private static int divisorNear(int n, int k) {
        for (int d = 0; ; d++) {
            if (k - d >= 1 && n % (k - d) == 0) {
                return k - d;
            }
            if (n % (k + d) == 0) {
                return k + d;
            }
        }
    }
}
