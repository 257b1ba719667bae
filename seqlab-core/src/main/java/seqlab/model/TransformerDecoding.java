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
 * values (allocated once, for the longest output) and the cross-attention's keys and values of
 * the memory (computed once per source). A step decodes one position per row; its weights are
 * every layer's cross-attention, layer-major then head (heads() = layers × nhead).
 */
final class TransformerDecoding implements TranslationModel.Decoding {

    private final Transformer model;
    private final KvCache[] caches;
    private final Tensor[] memoryKv;        // per layer (n, S, 2E)
    private final AttentionMask memoryMask;
    private final int sourceLength;
    private int position;

    private TransformerDecoding(Transformer model, KvCache[] caches, Tensor[] memoryKv, AttentionMask memoryMask, int sourceLength,
                                int position) {
        this.model = model;
        this.caches = caches;
        this.memoryKv = memoryKv;
        this.memoryMask = memoryMask;
        this.sourceLength = sourceLength;
        this.position = position;
    }

    static TransformerDecoding start(Transformer model, Tensor memory, AttentionMask mask, int capacity) {
        List<TransformerDecoderLayer> layers = model.transformer().decoder().layers();
        KvCache[] caches = new KvCache[layers.size()];
        Tensor[] kv = new Tensor[layers.size()];
        int n = memory.dim(0);
        for (int l = 0; l < layers.size(); l++) {
            caches[l] = new KvCache(n, capacity, model.config().dModel());
            kv[l] = layers.get(l).crossAttention().memory(memory);
        }
        return new TransformerDecoding(model, caches, kv, mask, memory.dim(1), 0);
    }

    @Override
    public Step step(int[] tokens, Rng rng) {
        int n = tokens.length;
        if (position >= caches[0].capacity()) {
            throw new IllegalArgumentException("decoding past the model's max_positions " + caches[0].capacity());
        }
        Tensor x = model.embedTarget(tokens, n, 1, position, rng);                                   // (n, 1, d)
        TransformerDecoder decoder = model.transformer().decoder();
        List<TransformerDecoderLayer> layers = decoder.layers();
        int heads = model.config().nhead();
        float[] weights = new float[n * layers.size() * heads * sourceLength];
        for (int l = 0; l < layers.size(); l++) {
            TransformerDecoderLayer.Output o = layers.get(l).step(x, caches[l], memoryKv[l], memoryMask, true);
            x = o.output();
            float[] w = o.crossWeights().data();                                                   // (n, H, 1, S)
            for (int r = 0; r < n; r++) {
                System.arraycopy(w, r * heads * sourceLength, weights, (r * layers.size() + l) * heads * sourceLength,
                        heads * sourceLength);
            }
        }
        if (decoder.norm() != null) {
            x = decoder.norm().forward(x);
        }
        position++;
        Tensor logits = model.generator().forward(ShapeOps.reshape(x, n, model.config().dModel()));  // (n, V_t)
        return new Step(logits, weights);
    }

    @Override
    public TranslationModel.Decoding rows(int[] rows) {
        KvCache[] c = new KvCache[caches.length];
        Tensor[] kv = new Tensor[memoryKv.length];
        for (int l = 0; l < c.length; l++) {
            c[l] = caches[l].rows(rows);
            kv[l] = Rows.of(memoryKv[l], 0, rows);
        }
        return new TransformerDecoding(model, c, kv, memoryMask.rows(rows), sourceLength, position);
    }

    @Override
    public int sourceLength() {
        return sourceLength;
    }

    @Override
    public int heads() {
        return caches.length * model.config().nhead();
    }
}
