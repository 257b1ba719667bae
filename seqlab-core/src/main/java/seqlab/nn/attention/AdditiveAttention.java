package seqlab.nn.attention;

import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.AlignmentOps;

/**
 * Bahdanau et al. (2014) additive attention: e_i = vᵀ tanh(W_a s + U_a h_i).
 * Parameters (torch_bench.py's names): {@code W_a.weight} (A, Hq) on the decoder state, no bias;
 * {@code U_a.weight} (A, Hk), {@code U_a.bias} (A) on the encoder states; {@code v.weight} (1, A).
 * U_a h_i does not depend on the decoder step, so {@link #prepare} computes it once per source.
 */
public final class AdditiveAttention extends Module implements AttentionScore {

    private final Linear wa;   // (A, Hq)
    private final Linear ua;   // (A, Hk) + (A)
    private final Linear v;    // (1, A)

    public AdditiveAttention(int queryDim, int keyDim, int attnDim, Rng rng) {
        this.wa = child("W_a", new Linear(queryDim, attnDim, false, rng));
        this.ua = child("U_a", new Linear(keyDim, attnDim, true, rng));
        this.v = child("v", new Linear(attnDim, 1, false, rng));
    }

    @Override
    public Tensor prepare(Tensor keys) {
        return ua.forward(keys);                                              // U_a h_i + b, (B, S, A)
    }

    @Override
    public Tensor scores(Tensor query, Tensor prepared) {
        return AlignmentOps.additiveScores(prepared, wa.forward(query), v.weight().tensor());   // vᵀ tanh(W_a s + U_a h_i), (B, S)
    }
}
