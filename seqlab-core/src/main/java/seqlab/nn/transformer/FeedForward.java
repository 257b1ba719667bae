package seqlab.nn.transformer;

import seqlab.nn.Dropout;
import seqlab.nn.Linear;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/** FFN(x) = linear2(dropout(act(linear1(x)))), the position-wise feed-forward block (Vaswani et al., eq. 2), as both layer kinds compute it. */
final class FeedForward {

    private FeedForward() {}

    static Tensor apply(Linear linear1, Dropout dropout, Linear linear2, Activation act, Tensor x, Rng rng) {
        return linear2.forward(dropout.forward(act.apply(linear1.forward(x)), rng));
    }
}
