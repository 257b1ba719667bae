package seqlab.nn.transformer;

import java.util.ArrayList;
import java.util.List;

import seqlab.kernel.AttentionMask;
import seqlab.nn.LayerNorm;
import seqlab.nn.Module;
import seqlab.nn.ModuleList;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/** PyTorch's {@code nn.TransformerDecoder}: N decoder layers ({@code layers.{i}.…}) and an optional final {@code norm}. */
public final class TransformerDecoder extends Module {

    private final ModuleList<TransformerDecoderLayer> layers;
    private final LayerNorm norm;

    /** The decoder's output and, when asked for, the cross-attention weights (B, H, T, S) of one layer. */
    public record Output(Tensor output, Tensor crossWeights) {}

    public TransformerDecoder(LayerConfig c, int numLayers, boolean finalNorm, Rng rng) {
        if (numLayers < 1) {
            throw new IllegalArgumentException("num_decoder_layers must be >= 1, got " + numLayers);
        }
        List<TransformerDecoderLayer> list = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            list.add(new TransformerDecoderLayer(c, rng));
        }
        this.layers = child("layers", new ModuleList<>(list));
        this.norm = finalNorm ? child("norm", new LayerNorm(c.dModel(), c.layerNormEps())) : null;
    }

    /**
     * x (B, T, E), memory (B, S, E) → (B, T, E).
     *
     * @param weightsOf the layer whose cross-attention weights to return, or −1 for none
     */
    public Output forward(Tensor x, Tensor memory, AttentionMask selfMask, AttentionMask memoryMask, int weightsOf, Rng rng) {
        if (weightsOf >= layers.size()) {
            throw new IllegalArgumentException("decoder layer " + weightsOf + " does not exist; the decoder has " + layers.size()
                    + " (0 … " + (layers.size() - 1) + ")");
        }
        Tensor w = null;
        for (int i = 0; i < layers.size(); i++) {
            TransformerDecoderLayer.Output o = layers.get(i).forward(x, memory, selfMask, memoryMask, i == weightsOf, rng);
            x = o.output();
            if (i == weightsOf) {
                w = o.crossWeights();
            }
        }
        return new Output(norm == null ? x : norm.forward(x), w);
    }

    public List<TransformerDecoderLayer> layers() {
        return layers.items();
    }

    /** The final norm, or null. */
    public LayerNorm norm() {
        return norm;
    }
}
