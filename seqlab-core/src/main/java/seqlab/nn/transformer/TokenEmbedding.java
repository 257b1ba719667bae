package seqlab.nn.transformer;

import seqlab.nn.Embedding;
import seqlab.nn.Module;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/** Token embeddings scaled by √d_model (Vaswani et al., §3.4), as PyTorch's translation tutorial names them: {@code embedding.weight} (V, d). */
public final class TokenEmbedding extends Module {

    private final Embedding embedding;
    private final float scale;

    public TokenEmbedding(int vocab, int dim, Rng rng) {
        this.embedding = child("embedding", new Embedding(vocab, dim, rng));
        this.scale = (float) Math.sqrt(dim);
    }

    /** ids (B, L) → (B, L, d). */
    public Tensor forward(int[] ids, int batch, int length) {
        return PointwiseOps.scale(embedding.forward(ids, batch, length), scale);          // E[x]·√d_model
    }
}
