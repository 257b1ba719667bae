package seqlab.nn.transformer;

import seqlab.kernel.AttentionMask;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * PyTorch's {@code nn.Transformer} (batch first): an encoder of N layers and a decoder of M,
 * each with its final LayerNorm ({@code encoder.layers.{i}.…}, {@code encoder.norm.*},
 * {@code decoder.layers.{i}.…}, {@code decoder.norm.*}), as nn.Transformer always has them.
 * Vaswani et al.'s base model: d_model 512, 8 heads, 6 + 6 layers, FFN 2048, dropout 0.1.
 * Init as nn.Transformer's: every matrix Xavier-uniform (see {@link #xavierInit}).
 */
public final class Transformer extends Module {

    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;

    public Transformer(LayerConfig c, int numEncoderLayers, int numDecoderLayers, Rng rng) {
        this.encoder = child("encoder", new TransformerEncoder(c, numEncoderLayers, true, rng));
        this.decoder = child("decoder", new TransformerDecoder(c, numDecoderLayers, true, rng));
        xavierInit(this, rng);
    }

    /** nn.Transformer's _reset_parameters: xavier_uniform_ on every parameter of rank > 1, U(±√(6/(fan_in + fan_out))). */
    public static void xavierInit(Module m, Rng rng) {
        for (seqlab.nn.Parameter p : m.parameters()) {
            int[] shape = p.shape();
            if (shape.length > 1) {
                long receptive = p.size() / ((long) shape[0] * shape[1]);          // PyTorch's fans: dims 1 and 0 times the rest
                double fanIn = (double) shape[1] * receptive;
                double fanOut = (double) shape[0] * receptive;
                seqlab.nn.Init.uniform(p, (float) Math.sqrt(6.0 / (fanIn + fanOut)), rng);
            }
        }
    }

    /** src (B, S, E), tgt (B, T, E) → (B, T, E). */
    public TransformerDecoder.Output forward(Tensor src, Tensor tgt, AttentionMask srcMask, AttentionMask tgtMask,
                                             AttentionMask memoryMask, int weightsOf, Rng rng) {
        Tensor memory = encoder.forward(src, srcMask, rng);
        return decoder.forward(tgt, memory, tgtMask, memoryMask, weightsOf, rng);
    }

    public TransformerEncoder encoder() {
        return encoder;
    }

    public TransformerDecoder decoder() {
        return decoder;
    }
}
