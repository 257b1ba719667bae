package seqlab.nn;

import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.PointwiseOps;

/** Inverted dropout with probability p while training; the identity in evaluation mode. */
public final class Dropout extends Module {

    private final float p;

    public Dropout(float p) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
    }

    public Tensor forward(Tensor x, Rng rng) {
        return training() && p > 0f ? PointwiseOps.dropout(x, p, rng) : x;
    }

    public float p() {
        return p;
    }
}
