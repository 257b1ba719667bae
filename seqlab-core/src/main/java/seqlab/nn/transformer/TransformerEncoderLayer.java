package seqlab.nn.transformer;

import seqlab.kernel.AttentionMask;
import seqlab.nn.Dropout;
import seqlab.nn.LayerNorm;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.nn.attention.MultiheadAttention;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * PyTorch's {@code nn.TransformerEncoderLayer} (batch first): self-attention, then a position-wise
 * feed-forward layer FFN(x) = linear2(dropout(act(linear1(x)))), each wrapped in a residual and a
 * LayerNorm (Vaswani et al., §3.1, §3.3):
 * post-LN x = norm1(x + SA(x)), x = norm2(x + FFN(x)); pre-LN ({@code norm_first})
 * x = x + SA(norm1(x)), x = x + FFN(norm2(x)). Sublayer outputs pass dropout1 and dropout2.
 *
 * <p>Parameters: {@code self_attn.*} (see {@link MultiheadAttention}), {@code linear1.*} (F, E),
 * {@code linear2.*} (E, F), {@code norm1.*}, {@code norm2.*}.
 */
public final class TransformerEncoderLayer extends Module {

    private final LayerConfig config;
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    public TransformerEncoderLayer(LayerConfig c, Rng rng) {
        this.config = c;
        this.selfAttn = child("self_attn", new MultiheadAttention(c.dModel(), c.nhead(), c.dropout(), true, true, c.rotary(), rng));
        this.linear1 = child("linear1", new Linear(c.dModel(), c.dimFeedforward(), true, rng));
        this.dropout = child("dropout", new Dropout(c.dropout()));
        this.linear2 = child("linear2", new Linear(c.dimFeedforward(), c.dModel(), true, rng));
        this.norm1 = child("norm1", new LayerNorm(c.dModel(), c.layerNormEps()));
        this.norm2 = child("norm2", new LayerNorm(c.dModel(), c.layerNormEps()));
        this.dropout1 = child("dropout1", new Dropout(c.dropout()));
        this.dropout2 = child("dropout2", new Dropout(c.dropout()));
    }

    /** x (B, T, E) → (B, T, E); {@code mask} combines src_mask and src_key_padding_mask. */
    public Tensor forward(Tensor x, AttentionMask mask, Rng rng) {
        if (config.normFirst()) {
            x = PointwiseOps.add(x, selfAttention(norm1.forward(x), mask, rng));    // x + SA(LN(x))
            return PointwiseOps.add(x, feedForward(norm2.forward(x), rng));         // x + FFN(LN(x))
        }
        x = norm1.forward(PointwiseOps.add(x, selfAttention(x, mask, rng)));        // LN(x + SA(x))
        return norm2.forward(PointwiseOps.add(x, feedForward(x, rng)));             // LN(x + FFN(x))
    }

    private Tensor selfAttention(Tensor x, AttentionMask mask, Rng rng) {
        return dropout1.forward(selfAttn.forward(x, mask, false, rng).output(), rng);
    }

    private Tensor feedForward(Tensor x, Rng rng) {
        return dropout2.forward(FeedForward.apply(linear1, dropout, linear2, config.activation(), x, rng), rng);
    }

    public MultiheadAttention selfAttention() {
        return selfAttn;
    }
}
