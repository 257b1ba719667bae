package seqlab.lab;

import seqlab.kernel.AttentionMask;
import seqlab.nn.Embedding;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.nn.transformer.Activation;
import seqlab.nn.transformer.LayerConfig;
import seqlab.nn.transformer.SinusoidalEncoding;
import seqlab.nn.transformer.TransformerEncoder;
import seqlab.tensor.CrossEntropy;
import seqlab.tensor.Rng;
import seqlab.tensor.ShapeOps;
import seqlab.tensor.Tensor;

/**
 * The causal Transformer of the lab's comparisons with recurrent models, decoder-only as GPT is:
 * inputs (token embeddings, or a linear map of raw features when {@code vocab} is 0) plus the
 * sinusoidal table (any length) → L pre-LN layers of causal self-attention (position t sees
 * positions ≤ t) and a GELU feed-forward layer of 4·d → a final LayerNorm → a linear head, read at
 * every position or at the last. Parameters: {@code embed.weight} (V, d) or {@code embed.weight}
 * (d, I) and {@code embed.bias}; {@code layers.layers.{i}.…} as nn.TransformerEncoderLayer names
 * them; {@code layers.norm.*}; {@code head.*} (K, d).
 */
final class TransformerProbe extends Module implements Probe {

    private final Embedding tokens;        // or null for raw features
    private final Linear features;         // or null for tokens
    private final SinusoidalEncoding positions;
    private final TransformerEncoder layers;
    private final Linear head;
    private final int inputSize;

    TransformerProbe(int vocab, int inputSize, int dModel, int heads, int numLayers, int outputs, Rng rng) {
        this.inputSize = inputSize;
        this.tokens = vocab > 0 ? child("embed", new Embedding(vocab, dModel, rng)) : null;
        this.features = vocab > 0 ? null : child("embed", new Linear(inputSize, dModel, true, rng));
        this.positions = new SinusoidalEncoding(dModel);
        this.layers = child("layers", new TransformerEncoder(new LayerConfig(dModel, heads, 4 * dModel, 0f, Activation.GELU, true, 1e-5f,
                null), numLayers, true, rng));
        this.head = child("head", new Linear(dModel, outputs, true, rng));
    }

    /** The parameter count of a probe of these sizes. */
    static long parameterCount(int vocab, int inputSize, int dModel, int heads, int numLayers, int outputs) {
        long embed = vocab > 0 ? (long) vocab * dModel : (long) inputSize * dModel + dModel;
        long layer = 4L * dModel * dModel + 4L * dModel                   // in_proj (3d, d) + bias, out_proj (d, d) + bias
                + 2L * 4 * dModel * dModel + 4L * dModel + dModel        // linear1 (4d, d) + bias, linear2 (d, 4d) + bias
                + 4L * dModel;                                           // norm1, norm2
        return embed + numLayers * layer + 2L * dModel + (long) outputs * dModel + outputs;
    }

    /** Inputs (B, T, d): embedded token ids (B·T), or the features (B·T·I) mapped to d, plus PE. */
    @Override
    public Tensor inputs(int[] ids, float[] raw, int batch, int time) {
        Tensor x = tokens != null ? tokens.forward(ids, batch, time) : features.forward(Tensor.of(raw, batch, time, inputSize));
        return positions.forward(x, 0);
    }

    /** Head outputs at every position (B, T, K). */
    @Override
    public Tensor everyStep(Tensor x) {
        return head.forward(layers.forward(x, AttentionMask.causal(), null));
    }

    /** Mean next-token cross-entropy of ids (B·T) against targets (B·T), as a language model with K = V outputs; no dropout to draw. */
    Tensor loss(int[] ids, int[] targets, int batch, int time, Rng rng) {
        Tensor logits = everyStep(inputs(ids, null, batch, time));                          // (B, T, V)
        return CrossEntropy.mean(ShapeOps.reshape(logits, batch * time, logits.dim(2)), targets, -100);
    }

    /** Head output at the last position (B, K): it sees the whole sequence. */
    @Override
    public Tensor lastStep(Tensor x) {
        Tensor h = layers.forward(x, AttentionMask.causal(), null);                 // (B, T, d)
        return head.forward(ShapeOps.select(ShapeOps.transpose01(h), h.dim(1) - 1)); // (B, d) → (B, K)
    }

    /** The width d (a multiple of {@code heads}) whose probe's parameter count is closest to {@code target}. */
    static int widthFor(long target, int vocab, int inputSize, int heads, int numLayers, int outputs) {
        int best = heads;
        for (int d = heads; d <= 4096; d += heads) {
            if (Math.abs(parameterCount(vocab, inputSize, d, heads, numLayers, outputs) - target)
                    < Math.abs(parameterCount(vocab, inputSize, best, heads, numLayers, outputs) - target)) {
                best = d;
            }
        }
        return best;
    }
}
