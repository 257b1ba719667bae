package seqlab.nn.transformer;

import seqlab.kernel.AttentionMask;
import seqlab.nn.LayerNorm;
import seqlab.nn.Module;
import seqlab.nn.attention.CausalSelfAttention;
import seqlab.nn.attention.KvCache;
import seqlab.nn.attention.RotaryEmbedding;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * One pre-LN GPT block (GPT-2's {@code GPT2Block}; Radford et al., 2019, §2.3):
 * x = x + attn(ln_1(x)), x = x + mlp(ln_2(x)).
 * Parameters: {@code ln_1.*} (E), {@code attn.*} (see {@link CausalSelfAttention}), {@code ln_2.*} (E),
 * {@code mlp.*} (see {@link GptMlp}).
 */
public final class GptBlock extends Module {

    private final LayerNorm ln1;
    private final CausalSelfAttention attn;
    private final LayerNorm ln2;
    private final GptMlp mlp;

    public GptBlock(int embed, int heads, int inner, Activation act, float attnDropout, float residDropout, float eps,
                    RotaryEmbedding rotary, Rng rng) {
        this.ln1 = child("ln_1", new LayerNorm(embed, eps));
        this.attn = child("attn", new CausalSelfAttention(embed, heads, attnDropout, residDropout, rotary, rng));
        this.ln2 = child("ln_2", new LayerNorm(embed, eps));
        this.mlp = child("mlp", new GptMlp(embed, inner, act, residDropout, rng));
    }

    public CausalSelfAttention attn() {
        return attn;
    }

    public GptMlp mlp() {
        return mlp;
    }

    /** x (B, T, E) → (B, T, E); {@code cache}, when not null and empty, receives the keys and values (a prompt's read). */
    public Tensor forward(Tensor x, AttentionMask mask, int from, KvCache cache, Rng rng) {
        x = PointwiseOps.add(x, attn.forward(ln1.forward(x), mask, from, cache, rng));   // x + attn(ln_1(x))
        return PointwiseOps.add(x, mlp.forward(ln2.forward(x), rng));                    // x + mlp(ln_2(x))
    }

    /** One new position per row, x (n, 1, E), over the cache (inference); {@code mask} as {@link CausalSelfAttention#step}. */
    public Tensor step(Tensor x, KvCache cache, AttentionMask mask) {
        x = PointwiseOps.add(x, attn.step(ln1.forward(x), cache, mask));
        return PointwiseOps.add(x, mlp.forward(ln2.forward(x), null));
    }
}
