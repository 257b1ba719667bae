package seqlab.nn.attention;

import seqlab.kernel.AttentionMask;
import seqlab.nn.Dropout;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.tensor.ScaledDotProductAttention;
import seqlab.tensor.ScaledDotProductAttention.Columns;
import seqlab.tensor.Tensor;

/**
 * GPT's masked multi-head self-attention (Radford et al., 2018; GPT-2's {@code GPT2Attention},
 * nanoGPT's {@code CausalSelfAttention}): [Q | K | V] = x·W_attnᵀ + b_attn, head_i =
 * softmax(Q_i·K_iᵀ/√d_k, position t seeing positions ≤ t)·V_i, y = dropout(Concat(head_1 … head_H)·W_projᵀ + b_proj),
 * d_k = E/H, the attention weights dropped out too in training.
 *
 * <p>Parameters, GPT-2's names: {@code c_attn.weight} (3E, E), the rows of W^Q, W^K, W^V stacked,
 * head i in rows [i·d_k, (i+1)·d_k) of each; {@code c_attn.bias} (3E); {@code c_proj.weight} (E, E);
 * {@code c_proj.bias} (E). The layout is PyTorch's Linear [out, in], as nanoGPT keeps it; GPT-2's
 * checkpoints store Conv1D's [in, out] (see {@code model/hf}). Init is the model's.
 */
public final class CausalSelfAttention extends Module {

    private final int embed;
    private final int heads;
    private final float attnDropout;
    private final Linear cAttn;             // (3E, E)
    private final Linear cProj;             // (E, E)
    private final Dropout residDropout;
    private final RotaryEmbedding rotary;   // or null

    public CausalSelfAttention(int embed, int heads, float attnDropout, float residDropout, RotaryEmbedding rotary, Rng rng) {
        if (embed < 1 || heads < 1 || embed % heads != 0) {
            throw new IllegalArgumentException("causal self-attention: n_embd " + embed + " must be a positive multiple of n_head " + heads);
        }
        if (rotary != null && (embed / heads) % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head size, got n_embd / n_head = " + embed / heads);
        }
        this.embed = embed;
        this.heads = heads;
        this.attnDropout = attnDropout;
        this.rotary = rotary;
        this.cAttn = child("c_attn", new Linear(embed, 3 * embed, true, rng));
        this.cProj = child("c_proj", new Linear(embed, embed, true, rng));
        this.residDropout = child("resid_dropout", new Dropout(residDropout));
    }

    public Linear cAttn() {
        return cAttn;
    }

    public Linear cProj() {
        return cProj;
    }

    /**
     * x (B, T, E) → (B, T, E), every position at once (training, and reading a prompt).
     *
     * @param mask  the causal mask and any padding
     * @param from  the position of x's first column, for rotary positions
     * @param cache when not null, empty: it receives the keys and values of all T positions
     */
    public Tensor forward(Tensor x, AttentionMask mask, int from, KvCache cache, Rng rng) {
        Tensor qkv = project(x, from);                                                  // [Q | K | V] (B, T, 3E)
        if (cache != null) {
            if (cache.length() != 0) {
                throw new IllegalStateException("a prompt is read into an empty KV cache, this one holds " + cache.length());
            }
            cache.appendAll(qkv, embed, 2 * embed);
        }
        float p = training() ? attnDropout : 0f;
        ScaledDotProductAttention.Result a = ScaledDotProductAttention.apply(new Columns(qkv, 0), new Columns(qkv, embed),
                new Columns(qkv, 2 * embed), heads, embed, mask, p, rng, false);
        return residDropout.forward(cProj.forward(a.output()), rng);                   // Concat(head_i)·W_projᵀ + b_proj
    }

    /**
     * One new position per row, x (n, 1, E) at position {@code cache.length()}, over the cached
     * past and itself; its key and value are appended to the cache. Inference only.
     *
     * @param mask the keys each row sees among the cache's capacity after the append: its first
     *             length + 1, less any padding (the same for every block of a step)
     */
    public Tensor step(Tensor x, KvCache cache, AttentionMask mask) {
        Tensor qkv = project(x, cache.length());                                        // (n, 1, 3E)
        cache.append(qkv, embed, 2 * embed);
        ScaledDotProductAttention.Result a = ScaledDotProductAttention.apply(new Columns(qkv, 0), new Columns(cache.keys(), 0),
                new Columns(cache.values(), 0), heads, embed, mask, 0f, null, false);
        return cProj.forward(a.output());
    }

    private Tensor project(Tensor x, int from) {
        Tensor qkv = cAttn.forward(x);                                                  // x·W_attnᵀ + b_attn
        return rotary == null ? qkv : rotary.apply(qkv, new int[] {0, embed}, heads, embed / heads, from);
    }
}
