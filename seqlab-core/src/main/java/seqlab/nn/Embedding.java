package seqlab.nn;

import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.LinearOps;

/** A lookup table: out[…, :] = W[id, :]. Parameter {@code weight} (V, E); PyTorch init N(0, 1). */
public final class Embedding extends Module {

    private final Parameter weight;   // (V, E)

    public Embedding(int vocab, int dim, Rng rng) {
        if (vocab <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding sizes must be > 0, got num_embeddings=" + vocab + " embedding_dim=" + dim);
        }
        this.weight = parameter("weight", vocab, dim);
        Init.normal(weight, 1f, rng);
    }

    /** ids with shape {@code shape} → (shape…, E). */
    public Tensor forward(int[] ids, int... shape) {
        return LinearOps.embedding(ids, shape, weight.tensor());
    }

    public Parameter weight() {
        return weight;
    }
}
