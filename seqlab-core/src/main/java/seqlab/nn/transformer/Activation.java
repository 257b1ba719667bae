package seqlab.nn.transformer;

import seqlab.tensor.PointwiseOps;
import seqlab.tensor.Tensor;

/** The feed-forward layer's activation, by nn.Transformer's names: ReLU (the paper's) or exact GELU. */
public enum Activation {
    RELU("relu"),
    GELU("gelu");

    public static final String IDS = "relu, gelu";

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public Tensor apply(Tensor x) {
        return this == RELU ? PointwiseOps.relu(x) : PointwiseOps.gelu(x, false);
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
