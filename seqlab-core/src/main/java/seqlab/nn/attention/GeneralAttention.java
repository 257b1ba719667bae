package seqlab.nn.attention;

import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.AlignmentOps;

/**
 * Luong et al. (2015) general score: e_i = sᵀ (W_a h_i + b). Parameters {@code attn.weight}
 * (Hq, Hk), {@code attn.bias} (Hq) (the PyTorch chatbot tutorial's Attn 'general'). W_a h_i is
 * computed once per source by {@link #prepare}.
 */
public final class GeneralAttention extends Module implements AttentionScore {

    private final Linear attn;   // (Hq, Hk) + (Hq)

    public GeneralAttention(int queryDim, int keyDim, Rng rng) {
        this.attn = child("attn", new Linear(keyDim, queryDim, true, rng));
    }

    @Override
    public Tensor prepare(Tensor keys) {
        return attn.forward(keys);                                            // W_a h_i + b, (B, S, Hq)
    }

    @Override
    public Tensor scores(Tensor query, Tensor prepared) {
        return AlignmentOps.dotScores(query, prepared);                       // sᵀ (W_a h_i + b)
    }
}
