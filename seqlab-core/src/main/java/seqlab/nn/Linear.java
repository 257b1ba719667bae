package seqlab.nn;

import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.LinearOps;

/**
 * y = x·Wᵀ + b. Parameters: {@code weight} (out, in), {@code bias} (out). PyTorch's default init:
 * W and b ~ U(−1/√in, 1/√in) (kaiming_uniform with a = √5).
 */
public final class Linear extends Module {

    private final Parameter weight;   // (out, in)
    private final Parameter bias;     // (out) or null

    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in < 0 || out < 0) {
            throw new IllegalArgumentException("Linear sizes must be >= 0, got in=" + in + " out=" + out);
        }
        this.weight = parameter("weight", out, in);
        this.bias = bias ? parameter("bias", out) : null;
        float bound = in == 0 ? 0f : (float) (1 / Math.sqrt(in));
        Init.uniform(weight, bound, rng);
        if (this.bias != null) {
            Init.uniform(this.bias, bound, rng);
        }
    }

    /**
     * A linear map whose weight is another module's parameter (weight tying, Press and Wolf 2017):
     * the same tensor appears under both names, as in PyTorch's state_dict. Bias init: zeros.
     */
    public Linear(Parameter sharedWeight, boolean bias) {
        this.weight = sharedWeight;
        alias("weight", sharedWeight);
        this.bias = bias ? parameter("bias", sharedWeight.shape()[0]) : null;
    }

    /** x (…, in) → (…, out). */
    public Tensor forward(Tensor x) {
        return LinearOps.linear(x, weight.tensor(), bias == null ? null : bias.tensor());
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
