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
 * PyTorch's {@code nn.TransformerDecoderLayer} (batch first): masked self-attention over the
 * target, attention over the encoder's memory, and the feed-forward layer, each in a residual
 * and a LayerNorm (Vaswani et al., §3.1): post-LN x = norm1(x + SA(x)), x = norm2(x + MHA(x, m)),
 * x = norm3(x + FFN(x)); pre-LN ({@code norm_first}) x = x + SA(norm1(x)), x = x + MHA(norm2(x), m),
 * x = x + FFN(norm3(x)).
 *
 * <p>Parameters: {@code self_attn.*}, {@code multihead_attn.*}, {@code linear1.*}, {@code linear2.*},
 * {@code norm1.*}, {@code norm2.*}, {@code norm3.*}. Rotary positions, if configured, apply to the
 * self-attention only.
 */
public final class TransformerDecoderLayer extends Module {

    private final LayerConfig config;
    private final MultiheadAttention selfAttn;
    private final MultiheadAttention crossAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    public TransformerDecoderLayer(LayerConfig c, Rng rng) {
        this.config = c;
        this.selfAttn = child("self_attn", new MultiheadAttention(c.dModel(), c.nhead(), c.dropout(), true, true, c.rotary(), rng));
        this.crossAttn = child("multihead_attn", new MultiheadAttention(c.dModel(), c.nhead(), c.dropout(), true, true, rng));
        this.linear1 = child("linear1", new Linear(c.dModel(), c.dimFeedforward(), true, rng));
        this.dropout = child("dropout", new Dropout(c.dropout()));
        this.linear2 = child("linear2", new Linear(c.dimFeedforward(), c.dModel(), true, rng));
        this.norm1 = child("norm1", new LayerNorm(c.dModel(), c.layerNormEps()));
        this.norm2 = child("norm2", new LayerNorm(c.dModel(), c.layerNormEps()));
        this.norm3 = child("norm3", new LayerNorm(c.dModel(), c.layerNormEps()));
        this.dropout1 = child("dropout1", new Dropout(c.dropout()));
        this.dropout2 = child("dropout2", new Dropout(c.dropout()));
        this.dropout3 = child("dropout3", new Dropout(c.dropout()));
    }

    /** The decoder layer's output and, when asked for, its cross-attention weights (B, H, T, S). */
    public record Output(Tensor output, Tensor crossWeights) {}

    /**
     * x (B, T, E), memory (B, S, E) → (B, T, E). {@code selfMask} combines tgt_mask and
     * tgt_key_padding_mask, {@code memoryMask} memory_mask and memory_key_padding_mask.
     */
    public Output forward(Tensor x, Tensor memory, AttentionMask selfMask, AttentionMask memoryMask, boolean weights, Rng rng) {
        MultiheadAttention.Output c;
        if (config.normFirst()) {
            x = PointwiseOps.add(x, selfAttention(norm1.forward(x), selfMask, rng));           // x + SA(LN(x))
            c = crossAttn.forward(norm2.forward(x), memory, memory, memoryMask, weights, rng);
            x = PointwiseOps.add(x, dropout2.forward(c.output(), rng));                        // x + MHA(LN(x), m)
            x = PointwiseOps.add(x, feedForward(norm3.forward(x), rng));                       // x + FFN(LN(x))
        } else {
            x = norm1.forward(PointwiseOps.add(x, selfAttention(x, selfMask, rng)));           // LN(x + SA(x))
            c = crossAttn.forward(x, memory, memory, memoryMask, weights, rng);
            x = norm2.forward(PointwiseOps.add(x, dropout2.forward(c.output(), rng)));         // LN(x + MHA(x, m))
            x = norm3.forward(PointwiseOps.add(x, feedForward(x, rng)));                       // LN(x + FFN(x))
        }
        return new Output(x, c.weights());
    }

    private Tensor selfAttention(Tensor x, AttentionMask mask, Rng rng) {
        return dropout1.forward(selfAttn.forward(x, mask, false, rng).output(), rng);
    }

    private Tensor feedForward(Tensor x, Rng rng) {
        return dropout3.forward(FeedForward.apply(linear1, dropout, linear2, config.activation(), x, rng), rng);
    }

    public MultiheadAttention selfAttention() {
        return selfAttn;
    }

    public MultiheadAttention crossAttention() {
        return crossAttn;
    }

    /**
     * One new position per row, x (n, 1, E), in inference: self-attention over {@code cache} (its
     * key and value appended), cross-attention over the memory's precomputed keys and values
     * ({@link MultiheadAttention#memory}); the cross-attention weights (n, H, 1, S) on request.
     */
    public Output step(Tensor x, seqlab.nn.attention.KvCache cache, Tensor memoryKv, AttentionMask memoryMask, boolean weights) {
        MultiheadAttention.Output c;
        if (config.normFirst()) {
            x = PointwiseOps.add(x, selfAttn.step(norm1.forward(x), cache));
            c = crossAttn.attend(norm2.forward(x), memoryKv, memoryMask, weights);
            x = PointwiseOps.add(x, c.output());
            x = PointwiseOps.add(x, FeedForward.apply(linear1, dropout, linear2, config.activation(), norm3.forward(x), null));
        } else {
            x = norm1.forward(PointwiseOps.add(x, selfAttn.step(x, cache)));
            c = crossAttn.attend(x, memoryKv, memoryMask, weights);
            x = norm2.forward(PointwiseOps.add(x, c.output()));
            x = norm3.forward(PointwiseOps.add(x, FeedForward.apply(linear1, dropout, linear2, config.activation(), x, null)));
        }
        return new Output(x, c.weights());
    }
}
