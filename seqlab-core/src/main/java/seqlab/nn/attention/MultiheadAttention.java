package seqlab.nn.attention;

import seqlab.kernel.AttentionMask;
import seqlab.nn.Init;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.nn.Parameter;
import seqlab.tensor.LinearOps;
import seqlab.tensor.Rng;
import seqlab.tensor.ScaledDotProductAttention;
import seqlab.tensor.ScaledDotProductAttention.Columns;
import seqlab.tensor.ShapeOps;
import seqlab.tensor.Tensor;

/**
 * PyTorch's {@code nn.MultiheadAttention(E, H, dropout, bias)}: MultiHead(Q, K, V) =
 * Concat(head_1, …, head_H)·W^O, head_i = Attention(Q·W_i^Q, K·W_i^K, V·W_i^V) (Vaswani et al., §3.2.2),
 * d_k = E/H.
 *
 * <p>Parameters, PyTorch's names and layouts: {@code in_proj_weight} (3E, E), the rows of W^Q, W^K,
 * W^V stacked, head i in rows [i·d_k, (i+1)·d_k) of each; {@code in_proj_bias} (3E);
 * {@code out_proj.weight} (E, E); {@code out_proj.bias} (E). Init as PyTorch's: in_proj_weight
 * Xavier-uniform, U(±√(6/(E + 3E))); out_proj.weight U(±1/√E); both biases 0.
 *
 * <p>Inputs (B, T, E) and (B, S, E) with {@code batchFirst}, else (T, B, E) and (S, B, E), PyTorch's
 * default. Self-attention (query, key and value the same tensor) projects Q, K and V in one GEMM;
 * cross-attention (key and value the same) projects K and V in one. The mask combines PyTorch's
 * {@code attn_mask} and {@code key_padding_mask} (true = hidden; see {@link AttentionMask}); a query
 * that sees no key gives 0, where PyTorch gives NaN. Dropout on the attention weights in training.
 */
public final class MultiheadAttention extends Module {

    private final int embed;
    private final int heads;
    private final float dropout;
    private final boolean batchFirst;
    private final Parameter inProjWeight;   // (3E, E)
    private final Parameter inProjBias;     // (3E) or null
    private final Linear outProj;           // (E, E)
    private final RotaryEmbedding rotary;   // rotates Q and K by position, or null

    /** The output (shaped as the query) and, when asked for, the weights (B, H, T, S) of each head; else null. */
    public record Output(Tensor output, Tensor weights) {}

    public MultiheadAttention(int embed, int heads, float dropout, boolean bias, boolean batchFirst, Rng rng) {
        this(embed, heads, dropout, bias, batchFirst, null, rng);
    }

    /** With {@code rotary} not null, queries and keys are rotated by their positions after the projection (not a PyTorch option). */
    public MultiheadAttention(int embed, int heads, float dropout, boolean bias, boolean batchFirst, RotaryEmbedding rotary, Rng rng) {
        if (embed < 1 || heads < 1) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim and num_heads must be >= 1, got " + embed + " and " + heads);
        }
        if (embed % heads != 0) {
            throw new IllegalArgumentException("embed_dim " + embed + " must be divisible by num_heads " + heads
                    + " (each head gets embed_dim / num_heads dimensions)");
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("attention dropout must be in [0, 1), got " + dropout);
        }
        this.embed = embed;
        this.heads = heads;
        this.dropout = dropout;
        this.batchFirst = batchFirst;
        this.rotary = rotary;
        if (rotary != null && (embed / heads) % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head size, got embed_dim " + embed + " / num_heads " + heads
                    + " = " + embed / heads);
        }
        this.inProjWeight = parameter("in_proj_weight", 3 * embed, embed);
        this.inProjBias = bias ? parameter("in_proj_bias", 3 * embed) : null;
        this.outProj = child("out_proj", new Linear(embed, embed, bias, rng));
        Init.uniform(inProjWeight, (float) Math.sqrt(6.0 / (embed + 3 * embed)), rng);    // xavier_uniform_
        if (bias) {
            Init.constant(inProjBias, 0f);
            Init.constant(outProj.bias(), 0f);
        }
    }

    /** Batch-first, PyTorch's other defaults (bias, no dropout). */
    public MultiheadAttention(int embed, int heads, Rng rng) {
        this(embed, heads, 0f, true, true, rng);
    }

    public int embed() {
        return embed;
    }

    public int heads() {
        return heads;
    }

    /**
     * @param mask    which keys each query sees (PyTorch's attn_mask and key_padding_mask together)
     * @param weights return each head's weights (runs the materialising path)
     * @param rng     draws the dropout mask in training; may be null without dropout
     */
    public Output forward(Tensor query, Tensor key, Tensor value, AttentionMask mask, boolean weights, Rng rng) {
        Tensor q = batchFirst ? query : ShapeOps.transpose01(query);                  // (B, T, E)
        Tensor k = key == query ? q : batchFirst ? key : ShapeOps.transpose01(key);      // (B, S, E)
        Tensor v = value == key ? k : batchFirst ? value : ShapeOps.transpose01(value);  // (B, S, E)
        for (Tensor x : new Tensor[] {q, k, v}) {
            if (x.rank() != 3 || x.dim(2) != embed) {
                throw new IllegalArgumentException("MultiheadAttention: input of shape " + java.util.Arrays.toString(x.shape())
                        + ", expected (" + (batchFirst ? "batch, length" : "length, batch") + ", " + embed + ")");
            }
        }
        Tensor w = inProjWeight.tensor();
        Tensor b = inProjBias == null ? null : inProjBias.tensor();
        Columns qc;
        Columns kc;
        Columns vc;
        if (q == k && k == v) {
            Tensor qkv = LinearOps.linear(q, w, b);                                      // [Q | K | V] = x·W_inᵀ + b_in (B, T, 3E)
            if (rotary != null) {
                qkv = rotary.apply(qkv, new int[] {0, embed}, heads, embed / heads, 0);
            }
            qc = new Columns(qkv, 0);
            kc = new Columns(qkv, embed);
            vc = new Columns(qkv, 2 * embed);
        } else if (k == v) {
            qc = new Columns(LinearOps.linear(q, w, b, 0, embed), 0);                    // Q = x·W^Qᵀ (B, T, E)
            Tensor kv = LinearOps.linear(k, w, b, embed, 3 * embed);                     // [K | V] = m·[W^K; W^V]ᵀ (B, S, 2E)
            kc = new Columns(kv, 0);
            vc = new Columns(kv, embed);
        } else {
            qc = new Columns(LinearOps.linear(q, w, b, 0, embed), 0);
            kc = new Columns(LinearOps.linear(k, w, b, embed, 2 * embed), 0);
            vc = new Columns(LinearOps.linear(v, w, b, 2 * embed, 3 * embed), 0);
        }
        if (rotary != null && !(q == k && k == v)) {
            qc = new Columns(rotary.apply(qc.x(), new int[] {0}, heads, embed / heads, 0), 0);
            kc = new Columns(rotary.apply(kc.x(), new int[] {kc.from()}, heads, embed / heads, 0), kc.from());
            if (k == v) {
                vc = new Columns(kc.x(), embed);
            }
        }
        float p = training() ? dropout : 0f;
        ScaledDotProductAttention.Result a = ScaledDotProductAttention.apply(qc, kc, vc, heads, embed, mask, p, rng, weights);
        Tensor out = outProj.forward(a.output());                                        // Concat(head_1 … head_H)·W^Oᵀ + b^O
        return new Output(batchFirst ? out : ShapeOps.transpose01(out), a.weights());
    }

    /** Self-attention of x over itself. */
    public Output forward(Tensor x, AttentionMask mask, boolean weights, Rng rng) {
        return forward(x, x, x, mask, weights, rng);
    }

    // ------------------------------------------------------------------ decoding one position at a time (inference)

    /**
     * Self-attention of one new position per row, x (n, 1, E) at position {@code cache.length()},
     * over the cached past and itself; its key and value are appended to the cache. Batch first.
     */
    public Tensor step(Tensor x, KvCache cache) {
        Tensor qkv = LinearOps.linear(x, inProjWeight.tensor(), inProjBias == null ? null : inProjBias.tensor());   // (n, 1, 3E)
        int pos = cache.length();
        if (rotary != null) {
            qkv = rotary.apply(qkv, new int[] {0, embed}, heads, embed / heads, pos);
        }
        cache.append(qkv, embed, 2 * embed);                                             // checks one position per row
        int[] filled = new int[x.dim(0)];
        java.util.Arrays.fill(filled, pos + 1);
        ScaledDotProductAttention.Result a = ScaledDotProductAttention.apply(new Columns(qkv, 0), new Columns(cache.keys(), 0),
                new Columns(cache.values(), 0), heads, embed, AttentionMask.padding(filled), 0f, null, false);
        return outProj.forward(a.output());
    }

    /** The keys and values of a memory (n, S, E) for cross-attention, [K | V] (n, S, 2E): computed once per source. */
    public Tensor memory(Tensor memory) {
        return LinearOps.linear(memory, inProjWeight.tensor(), inProjBias == null ? null : inProjBias.tensor(), embed, 3 * embed);
    }

    /** Cross-attention of x (n, T, E) over a memory's {@link #memory keys and values}; the weights (n, H, T, S) on request. */
    public Output attend(Tensor x, Tensor memoryKv, AttentionMask mask, boolean weights) {
        Tensor q = LinearOps.linear(x, inProjWeight.tensor(), inProjBias == null ? null : inProjBias.tensor(), 0, embed);
        ScaledDotProductAttention.Result a = ScaledDotProductAttention.apply(new Columns(q, 0), new Columns(memoryKv, 0),
                new Columns(memoryKv, embed), heads, embed, mask, 0f, null, weights);
        return new Output(outProj.forward(a.output()), a.weights());
    }
}
