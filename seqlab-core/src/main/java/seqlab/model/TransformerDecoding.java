package seqlab.model;

import java.util.List;

import seqlab.kernel.AttentionMask;
import seqlab.nn.attention.KvCache;
import seqlab.nn.transformer.TransformerDecoder;
import seqlab.nn.transformer.TransformerDecoderLayer;
import seqlab.tensor.Rng;
import seqlab.tensor.ShapeOps;
import seqlab.tensor.Tensor;

/**
 * A {@link Transformer}'s decoder between steps: per layer, the self-attention's cached keys and
 * values (allocated for 32 positions, doubled when full, up to max_positions) and the
 * cross-attention's keys and values of the memory (computed once per source). A step decodes one
 * position per row; its weights, when asked for, are every layer's cross-attention, layer-major
 * then head (heads() = layers × nhead); otherwise the fused kernel runs and the weights are null.
 */
final class TransformerDecoding implements TranslationModel.Decoding {

    private final Transformer model;
    private final KvCache[] caches;
    private final Tensor[] memoryKv;        // per layer (n, S, 2E)
    private final AttentionMask memoryMask;
    private final int sourceLength;
    private final boolean weights;
    private int position;
    private boolean spent;                  // rows() handed the caches on

    private TransformerDecoding(Transformer model, KvCache[] caches, Tensor[] memoryKv, AttentionMask memoryMask, int sourceLength,
                                boolean weights, int position) {
        this.model = model;
        this.caches = caches;
        this.memoryKv = memoryKv;
        this.memoryMask = memoryMask;
        this.sourceLength = sourceLength;
        this.weights = weights;
        this.position = position;
    }

    /** The first capacity of a cache: it doubles when full, up to max_positions. */
    static final int FIRST_CAPACITY = 32;

    static TransformerDecoding start(Transformer model, Tensor memory, AttentionMask mask, boolean weights) {
        List<TransformerDecoderLayer> layers = model.transformer().decoder().layers();
        KvCache[] caches = new KvCache[layers.size()];
        Tensor[] kv = new Tensor[layers.size()];
        int n = memory.dim(0);
        for (int l = 0; l < layers.size(); l++) {
            caches[l] = new KvCache(n, Math.min(FIRST_CAPACITY, model.config().maxPositions()), model.config().maxPositions(),
                    model.config().dModel());
            kv[l] = layers.get(l).crossAttention().memory(memory);
        }
        return new TransformerDecoding(model, caches, kv, mask, memory.dim(1), weights, 0);
    }

    @Override
    public Step step(int[] tokens, Rng rng) {
        requireLive();
        int n = tokens.length;
        if (position >= model.config().maxPositions()) {
            throw new IllegalArgumentException("decoding past the model's max_positions " + model.config().maxPositions());
        }
        Tensor x = model.embedTarget(tokens, n, 1, position, rng);                                   // (n, 1, d)
        TransformerDecoder decoder = model.transformer().decoder();
        List<TransformerDecoderLayer> layers = decoder.layers();
        int heads = model.config().nhead();
        float[] all = weights ? new float[n * layers.size() * heads * sourceLength] : null;
        for (int l = 0; l < layers.size(); l++) {
            TransformerDecoderLayer.Output o = layers.get(l).step(x, caches[l], memoryKv[l], memoryMask, weights);
            x = o.output();
            if (weights) {
                float[] w = o.crossWeights().data();                                               // (n, H, 1, S)
                for (int r = 0; r < n; r++) {
                    System.arraycopy(w, r * heads * sourceLength, all, (r * layers.size() + l) * heads * sourceLength,
                            heads * sourceLength);
                }
            }
        }
        if (decoder.norm() != null) {
            x = decoder.norm().forward(x);
        }
        position++;
        Tensor logits = model.generator().forward(ShapeOps.reshape(x, n, model.config().dModel()));  // (n, V_t)
        return new Step(logits, all);
    }

    @Override
    public TranslationModel.Decoding rows(int[] rows) {
        requireLive();
        spent = true;
        KvCache[] c = new KvCache[caches.length];
        Tensor[] kv = new Tensor[memoryKv.length];
        for (int l = 0; l < c.length; l++) {
            c[l] = caches[l].rows(rows);
            kv[l] = Rows.of(memoryKv[l], 0, rows);
        }
        return new TransformerDecoding(model, c, kv, memoryMask.rows(rows), sourceLength, weights, position);
    }

    @Override
    public int sourceLength() {
        return sourceLength;
    }

    @Override
    public int heads() {
        return caches.length * model.config().nhead();
    }

    private void requireLive() {
        if (spent) {
            throw new IllegalStateException("this decoding was reordered by rows(): use the decoding rows() returned");
        }
    }
}
