package seqlab.nn.transformer;

import java.util.ArrayList;
import java.util.List;

import seqlab.kernel.AttentionMask;
import seqlab.nn.Dropout;
import seqlab.nn.Embedding;
import seqlab.nn.LayerNorm;
import seqlab.nn.Module;
import seqlab.nn.ModuleList;
import seqlab.nn.attention.KvCache;
import seqlab.nn.attention.RotaryEmbedding;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * GPT's decoder stack without its head (GPT-2's {@code GPT2Model}): h_0 = dropout(W_e[x] + W_p[pos]),
 * h_l = block_l(h_{l−1}), out = ln_f(h_L) (Radford et al., 2018, eq. 2; 2019, §2.3: pre-LN blocks and a
 * final LayerNorm). With rotary positions there is no W_p; queries and keys are rotated instead.
 *
 * <p>Parameters, GPT-2's names: {@code wte.weight} (V, E), {@code wpe.weight} (P, E) (learned
 * positions only), {@code h.{i}.*} (see {@link GptBlock}), {@code ln_f.*} (E).
 */
public final class GptDecoder extends Module {

    private final Embedding wte;
    private final Embedding wpe;           // or null (rotary)
    private final Dropout drop;
    private final ModuleList<GptBlock> h;
    private final LayerNorm lnF;
    private final int positions;

    public GptDecoder(int vocab, int positions, int embed, int layers, int heads, int inner, Activation act, float residPdrop,
                      float embdPdrop, float attnPdrop, float eps, RotaryEmbedding rotary, Rng rng) {
        this.positions = positions;
        this.wte = child("wte", new Embedding(vocab, embed, rng));
        this.wpe = rotary == null ? child("wpe", new Embedding(positions, embed, rng)) : null;
        this.drop = child("drop", new Dropout(embdPdrop));
        List<GptBlock> blocks = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            blocks.add(new GptBlock(embed, heads, inner, act, attnPdrop, residPdrop, eps, rotary, rng));
        }
        this.h = child("h", new ModuleList<>(blocks));
        this.lnF = child("ln_f", new LayerNorm(embed, eps));
    }

    public Embedding wte() {
        return wte;
    }

    /** The position table, or null with rotary positions. */
    public Embedding wpe() {
        return wpe;
    }

    public List<GptBlock> blocks() {
        return h.items();
    }

    /**
     * ids (B, T) → ln_f(h_L) (B, T, E).
     *
     * @param pos    each id's position (B, T), or null for 0 … T − 1 in every row
     * @param mask   causal, and any padding
     * @param caches one per block, empty, to receive the keys and values; or null
     */
    public Tensor forward(int[] ids, int batch, int time, int[] pos, AttentionMask mask, KvCache[] caches, Rng rng) {
        if (time > positions) {
            throw new IllegalArgumentException("a sequence of " + time + " tokens is longer than the model's context window, n_positions "
                    + positions + "; give at most " + positions + " tokens");
        }
        Tensor x = drop.forward(embed(ids, batch, time, pos), rng);                          // dropout(W_e[x] + W_p[pos]) (B, T, E)
        for (int l = 0; l < h.size(); l++) {
            x = h.get(l).forward(x, mask, 0, caches == null ? null : caches[l], rng);
        }
        return lnF.forward(x);
    }

    /** One new id per row (n) at each row's position (n), over the caches: ln_f(h_L) (n, 1, E); {@code mask} as {@link GptBlock#step}. */
    public Tensor step(int[] ids, int[] pos, KvCache[] caches, AttentionMask mask) {
        Tensor x = embed(ids, ids.length, 1, pos);
        for (int l = 0; l < h.size(); l++) {
            x = h.get(l).step(x, caches[l], mask);
        }
        return lnF.forward(x);
    }

    private Tensor embed(int[] ids, int batch, int time, int[] pos) {
        Tensor x = wte.forward(ids, batch, time);                                            // W_e[x]
        if (wpe == null) {
            return x;
        }
        return pos == null ? PointwiseOps.addPositions(x, wpe.weight().tensor(), 0)         // + W_p[0 … T)
                : PointwiseOps.add(x, wpe.forward(pos, batch, time));                        // + W_p[pos]
    }
}
