package seqlab.nn.attention;

import seqlab.nn.Module;
import seqlab.tensor.Tensor;
import seqlab.tensor.AlignmentOps;

/** Luong et al. (2015) dot score: e_i = sᵀ h_i (needs Hq = Hk). No parameters. */
public final class DotAttention extends Module implements AttentionScore {

    @Override
    public Tensor prepare(Tensor keys) {
        return keys;
    }

    @Override
    public Tensor scores(Tensor query, Tensor prepared) {
        return AlignmentOps.dotScores(query, prepared);                       // sᵀ h_i
    }
}
