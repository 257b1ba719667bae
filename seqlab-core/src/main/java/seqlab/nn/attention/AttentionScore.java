package seqlab.nn.attention;

import seqlab.tensor.Tensor;
import seqlab.kernel.AttentionMask;
import seqlab.tensor.AlignmentOps;

/**
 * A way to score a query against every key, e_i = score(s, h_i), and the attention it defines:
 * α = softmax(e) over the positions the mask allows (padding gets exactly 0), context
 * c = Σ_i α_i h_i. Shapes: query s (B, Hq); keys = values h (B, S, Hk); the mask hides padding.
 */
public interface AttentionScore {

    /** The keys in the form {@link #scores} takes; computed once per source sequence. */
    Tensor prepare(Tensor keys);

    /** e (B, S) for a query (B, Hq) against prepared keys. */
    Tensor scores(Tensor query, Tensor prepared);

    /** Attention weights (B, S) and context (B, Hk). */
    record Output(Tensor context, Tensor weights) {}

    /** α = masked softmax of the scores; c = Σ α_i v_i. */
    default Output attend(Tensor query, Tensor prepared, Tensor values, AttentionMask mask) {
        Tensor weights = AlignmentOps.maskedSoftmax(scores(query, prepared), mask);
        return new Output(AlignmentOps.weightedSum(weights, values), weights);
    }
}
