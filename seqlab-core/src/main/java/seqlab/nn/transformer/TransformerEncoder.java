package seqlab.nn.transformer;

import java.util.ArrayList;
import java.util.List;

import seqlab.kernel.AttentionMask;
import seqlab.nn.LayerNorm;
import seqlab.nn.Module;
import seqlab.nn.ModuleList;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/** PyTorch's {@code nn.TransformerEncoder}: N encoder layers ({@code layers.{i}.…}) and an optional final {@code norm}. */
public final class TransformerEncoder extends Module {

    private final ModuleList<TransformerEncoderLayer> layers;
    private final LayerNorm norm;

    public TransformerEncoder(LayerConfig c, int numLayers, boolean finalNorm, Rng rng) {
        if (numLayers < 1) {
            throw new IllegalArgumentException("num_encoder_layers must be >= 1, got " + numLayers);
        }
        List<TransformerEncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            list.add(new TransformerEncoderLayer(c, rng));
        }
        this.layers = child("layers", new ModuleList<>(list));
        this.norm = finalNorm ? child("norm", new LayerNorm(c.dModel(), c.layerNormEps())) : null;
    }

    /** x (B, S, E) → memory (B, S, E). */
    public Tensor forward(Tensor x, AttentionMask mask, Rng rng) {
        for (TransformerEncoderLayer layer : layers.items()) {
            x = layer.forward(x, mask, rng);
        }
        return norm == null ? x : norm.forward(x);
    }

    public List<TransformerEncoderLayer> layers() {
        return layers.items();
    }
}
