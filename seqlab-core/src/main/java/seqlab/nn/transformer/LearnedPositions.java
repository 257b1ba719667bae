package seqlab.nn.transformer;

import seqlab.nn.Embedding;
import seqlab.nn.Module;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * A trained table of positions added to the embeddings: {@code embedding.weight} (max_positions, d).
 * An input longer than the table is refused: there is no row for its later positions.
 */
public final class LearnedPositions extends Module {

    private final Embedding embedding;

    public LearnedPositions(int maxPositions, int dim, Rng rng) {
        if (maxPositions < 1) {
            throw new IllegalArgumentException("max_positions must be >= 1, got " + maxPositions);
        }
        this.embedding = child("embedding", new Embedding(maxPositions, dim, rng));
    }

    public int maxPositions() {
        return embedding.weight().shape()[0];
    }

    public Embedding embedding() {
        return embedding;
    }

    /** x (B, T, d) + P[from … from + T). */
    public Tensor forward(Tensor x, int from) {
        int need = from + x.dim(1);
        if (need > maxPositions()) {
            throw new IllegalArgumentException("a sequence of " + need + " tokens is longer than max_positions " + maxPositions()
                    + " (learned positions have no row beyond it); shorten the input, or train a model with a larger --max-positions");
        }
        return PointwiseOps.addPositions(x, embedding.weight().tensor(), from);
    }
}
