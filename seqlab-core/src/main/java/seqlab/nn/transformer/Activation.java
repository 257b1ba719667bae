package seqlab.nn.transformer;

import seqlab.tensor.PointwiseOps;
import seqlab.tensor.Tensor;

/**
 * The feed-forward layer's activation, by the names PyTorch and Hugging Face give them: ReLU (the
 * paper's), exact GELU x·Φ(x), and {@code gelu_new}, GPT-2's tanh form
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 */
public enum Activation {
    RELU("relu"),
    GELU("gelu"),
    GELU_NEW("gelu_new");

    public static final String IDS = "relu, gelu, gelu_new";

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public Tensor apply(Tensor x) {
        return switch (this) {
            case RELU -> PointwiseOps.relu(x);
            case GELU -> PointwiseOps.gelu(x, false);
            case GELU_NEW -> PointwiseOps.gelu(x, true);
        };
    }

    public static Activation fromId(String id) {
        for (Activation a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation \"" + id + "\" is not one of " + IDS);
    }
}
