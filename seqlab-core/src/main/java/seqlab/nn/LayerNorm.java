package seqlab.nn;

import seqlab.tensor.LayerNormOp;
import seqlab.tensor.Tensor;

/**
 * PyTorch's {@code nn.LayerNorm(C, eps=1e-5)}: y = (x − μ)/√(σ² + ε)·γ + β over the last
 * dimension. Parameters {@code weight} γ (C) = 1 and {@code bias} β (C) = 0 at init.
 */
public final class LayerNorm extends Module {

    private final Parameter weight;   // (C)
    private final Parameter bias;     // (C)
    private final float eps;

    public LayerNorm(int size, float eps) {
        if (size <= 0) {
            throw new IllegalArgumentException("LayerNorm size must be > 0, got " + size);
        }
        this.weight = parameter("weight", size);
        this.bias = parameter("bias", size);
        this.eps = eps;
        Init.constant(weight, 1f);
        Init.constant(bias, 0f);
    }

    public LayerNorm(int size) {
        this(size, 1e-5f);
    }

    public Tensor forward(Tensor x) {
        return LayerNormOp.apply(x, weight.tensor(), bias.tensor(), eps);
    }
}
