package seqlab.nn.attention;

import seqlab.nn.Init;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.nn.Parameter;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.LinearOps;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.ShapeOps;

/**
 * Luong et al. (2015) concat score: e_i = vᵀ tanh(W_a [s; h_i] + b). Parameters {@code attn.weight}
 * (A, Hq + Hk), {@code attn.bias} (A), {@code v} (A) (the PyTorch chatbot tutorial's Attn 'concat';
 * v ~ U(−1/√A, 1/√A) here, where the tutorial leaves it uninitialised).
 */
public final class ConcatAttention extends Module implements AttentionScore {

    private final Linear attn;   // (A, Hq + Hk) + (A)
    private final Parameter v;   // (A)

    public ConcatAttention(int queryDim, int keyDim, int attnDim, Rng rng) {
        this.attn = child("attn", new Linear(queryDim + keyDim, attnDim, true, rng));
        this.v = parameter("v", attnDim);
        Init.uniform(v, (float) (1 / Math.sqrt(attnDim)), rng);
    }

    @Override
    public Tensor prepare(Tensor keys) {
        return keys;
    }

    @Override
    public Tensor scores(Tensor query, Tensor prepared) {
        int b = prepared.dim(0);
        int s = prepared.dim(1);
        Tensor repeated = PointwiseOps.addToEachPosition(Tensor.zeros(b, s, query.dim(1)), query);      // s at every i
        Tensor energy = PointwiseOps.tanh(attn.forward(ShapeOps.concatLast(repeated, prepared)));          // tanh(W_a[s; h_i] + b)
        Tensor e = LinearOps.linear(energy, ShapeOps.reshape(v.tensor(), 1, v.size()), null);                   // vᵀ(…), (B, S, 1)
        return ShapeOps.reshape(e, b, s);
    }
}
