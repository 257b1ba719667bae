package seqlab.model;

import java.util.Arrays;

import seqlab.data.Seq2SeqBatch;
import seqlab.kernel.AttentionMask;
import seqlab.nn.Dropout;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.nn.transformer.LearnedPositions;
import seqlab.nn.transformer.SinusoidalEncoding;
import seqlab.nn.transformer.TokenEmbedding;
import seqlab.tensor.CrossEntropy;
import seqlab.tensor.Rng;
import seqlab.tensor.ShapeOps;
import seqlab.tensor.Tensor;

/**
 * The Transformer translator (Vaswani et al., 2017): source and target token embeddings scaled by
 * √d_model plus the positional encoding, then dropout; {@code nn.Transformer}; an output projection
 * to the target vocabulary. The decoder's self-attention is causal, and padding is hidden from
 * every attention.
 *
 * <p>Parameter names are those of PyTorch's tutorial "Language Translation with nn.Transformer"
 * ({@code Seq2SeqTransformer}), so a state dict moves between the two: {@code transformer.*}
 * (see {@link seqlab.nn.transformer.Transformer}), {@code generator.weight} (V_t, d),
 * {@code generator.bias}, {@code src_tok_emb.embedding.weight} (V_s, d),
 * {@code tgt_tok_emb.embedding.weight} (V_t, d); learned positions add
 * {@code positional_encoding.embedding.weight} (max_positions, d), shared by source and target as
 * the tutorial shares its table. The sinusoidal table is computed, not stored (the tutorial keeps
 * it as a buffer, {@code positional_encoding.pos_embedding}). Init as the tutorial's: every matrix
 * Xavier-uniform, biases as PyTorch's layers.
 */
public final class Transformer extends Module implements TranslationModel {

    private final TransformerConfig config;
    private final seqlab.nn.transformer.Transformer transformer;
    private final Linear generator;
    private final TokenEmbedding srcTokEmb;
    private final TokenEmbedding tgtTokEmb;
    private final SinusoidalEncoding sinusoidal;          // or null
    private final LearnedPositions learned;               // or null
    private final Dropout drop;

    public Transformer(TransformerConfig c, Rng rng) {
        this.config = c;
        this.transformer = child("transformer", new seqlab.nn.transformer.Transformer(c.layer(), c.numEncoderLayers(),
                c.numDecoderLayers(), rng));
        this.generator = child("generator", new Linear(c.dModel(), c.tgtVocabSize(), true, rng));
        this.srcTokEmb = child("src_tok_emb", new TokenEmbedding(c.srcVocabSize(), c.dModel(), rng));
        this.tgtTokEmb = child("tgt_tok_emb", new TokenEmbedding(c.tgtVocabSize(), c.dModel(), rng));
        this.sinusoidal = switch (c.positional()) {
            case SINUSOIDAL -> new SinusoidalEncoding(c.dModel());
            default -> null;
        };
        this.learned = switch (c.positional()) {
            case LEARNED -> child("positional_encoding", new LearnedPositions(c.maxPositions(), c.dModel(), rng));
            default -> null;
        };
        this.drop = child("dropout", new Dropout(c.dropout()));
        seqlab.nn.transformer.Transformer.xavierInit(this, rng);
    }

    /** Parameters of a model of this config, without building it. */
    public static long parameterCount(TransformerConfig c) {
        long d = c.dModel();
        long f = c.dimFeedforward();
        long attention = Footprint.add(Footprint.mul(3 * d, d), 3 * d, Footprint.mul(d, d), d);
        long ffn = Footprint.add(Footprint.mul(f, d), f, Footprint.mul(d, f), d);
        long encoderLayer = Footprint.add(attention, ffn, 4 * d);
        long decoderLayer = Footprint.add(Footprint.mul(2, attention), ffn, 6 * d);
        return Footprint.add(Footprint.mul(c.numEncoderLayers(), encoderLayer), Footprint.mul(c.numDecoderLayers(), decoderLayer),
                4 * d,                                                                                   // final norms
                Footprint.mul(c.tgtVocabSize(), d), c.tgtVocabSize(),                                    // generator
                Footprint.mul(c.srcVocabSize() + (long) c.tgtVocabSize(), d),                            // embeddings
                c.positional() == seqlab.nn.transformer.Positional.LEARNED ? Footprint.mul(c.maxPositions(), d) : 0);
    }

    /** What a model of this config needs to train on batches of B pairs of up to S source and T target tokens. */
    public static Footprint footprint(TransformerConfig c, int batch, int source, int target) {
        long d = c.dModel();
        long f = c.dimFeedforward();
        long bs = (long) batch * source;
        long bt = (long) batch * target;
        long vt = c.tgtVocabSize();
        long largest = Math.max(Math.max(Footprint.mul(Math.max(c.srcVocabSize(), vt), d), Footprint.mul(bt, vt)),
                Math.max(Footprint.mul(Math.max(bs, bt), f), c.positional() == seqlab.nn.transformer.Positional.LEARNED
                        ? Footprint.mul(c.maxPositions(), d) : 0));
        long perPosition = Footprint.add(Footprint.mul(12, d), Footprint.mul(3, f));                 // a layer's saved activations
        long step = Footprint.add(Footprint.mul(2, bs, perPosition, c.numEncoderLayers()),
                Footprint.mul(2, bt, Footprint.add(perPosition, Footprint.mul(6, d)), c.numDecoderLayers()),
                Footprint.mul(2, bt, vt, 2));                                                        // logits and probabilities
        return new Footprint(parameterCount(c), largest, step);
    }

    @Override
    public TransformerConfig config() {
        return config;
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public int sourceVocab() {
        return config.srcVocabSize();
    }

    @Override
    public int targetVocab() {
        return config.tgtVocabSize();
    }

    @Override
    public int maxLength() {
        return config.maxPositions();
    }

    @Override
    public String maxLengthField() {
        return "max_positions";
    }

    @Override
    public boolean attends() {
        return true;
    }

    @Override
    public int attentionLayers() {
        return config.numDecoderLayers();
    }

    @Override
    public String attentionName() {
        return "cross-attention";
    }

    /** The nn.Transformer inside. */
    public seqlab.nn.transformer.Transformer transformer() {
        return transformer;
    }

    /** Embeddings of ids (B, L) at positions from … from + L − 1: E[x]·√d + PE, then dropout (B, L, d). */
    Tensor embed(TokenEmbedding tokens, int[] ids, int batch, int length, int from, Rng rng) {
        if (from + length > config.maxPositions()) {
            throw new IllegalArgumentException("a sequence of " + (from + length) + " tokens is longer than the model's max_positions "
                    + config.maxPositions() + "; shorten it, or train a model with a larger --max-positions");
        }
        Tensor x = tokens.forward(ids, batch, length);
        if (sinusoidal != null) {
            x = sinusoidal.forward(x, from);
        } else if (learned != null) {
            x = learned.forward(x, from);
        }
        return drop.forward(x, rng);
    }

    Tensor embedSource(int[] ids, int batch, int length, Rng rng) {
        return embed(srcTokEmb, ids, batch, length, 0, rng);
    }

    Tensor embedTarget(int[] ids, int batch, int length, int from, Rng rng) {
        return embed(tgtTokEmb, ids, batch, length, from, rng);
    }

    Linear generator() {
        return generator;
    }

    /** The decoder's output (B, T, d) for a batch, teacher-forced (all positions at once). */
    private Tensor decoderOutput(Seq2SeqBatch b, Rng rng) {
        Tensor src = embedSource(b.source(), b.batch(), b.sourceLen(), rng);                           // (B, S, d)
        Tensor tgt = embedTarget(b.targetIn(), b.batch(), b.targetLen(), 0, rng);                      // (B, T, d)
        AttentionMask srcMask = b.sourceMask();
        AttentionMask tgtMask = AttentionMask.causal().and(AttentionMask.padding(targetLengths(b)));
        return transformer.forward(src, tgt, srcMask, tgtMask, srcMask, -1, rng).output();
    }

    @Override
    public Tensor logits(Seq2SeqBatch b, Rng rng) {
        return generator.forward(decoderOutput(b, rng));                                              // (B, T, V_t)
    }

    /**
     * The mean (label-smoothed) cross-entropy over the real target positions; the output
     * projection runs at those positions only. Teacher forcing 1 decodes every position at once
     * from the true previous tokens (training); 0, in inference only, decodes step by step from
     * the model's own most likely tokens (the free-running loss of an evaluation, in evaluation mode).
     */
    @Override
    public Tensor loss(Seq2SeqBatch b, double teacherForcing, float labelSmoothing, Rng tfRng, Rng rng) {
        if (teacherForcing == 0.0 && !training()) {
            return freeRunningLoss(b, labelSmoothing, rng);
        }
        if (teacherForcing != 1.0) {
            throw new IllegalArgumentException("the Transformer trains with teacher forcing 1 (all positions decoded at once), got "
                    + teacherForcing + (teacherForcing == 0.0 ? "; free running is for evaluation only" : ""));
        }
        Tensor out = ShapeOps.reshape(decoderOutput(b, rng), b.batch() * b.targetLen(), config.dModel());
        int[] real = new int[b.targetOut().length];
        int n = 0;
        for (int i = 0; i < real.length; i++) {
            if (b.targetOut()[i] != Seq2SeqBatch.IGNORE) {
                real[n++] = i;
            }
        }
        int[] rows = Arrays.copyOf(real, n);
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            targets[i] = b.targetOut()[rows[i]];
        }
        Tensor logits = generator.forward(ShapeOps.rows(out, rows));                                  // (N', V_t)
        return CrossEntropy.mean(logits, targets, Seq2SeqBatch.IGNORE, labelSmoothing);
    }

    /** Cross-entropy of the steps decoded from the model's own previous guesses, as many as each reference has. */
    private Tensor freeRunningLoss(Seq2SeqBatch b, float labelSmoothing, Rng rng) {
        int n = b.batch();
        int t = b.targetLen();
        int v = config.tgtVocabSize();
        Decoding d = decode(b.source(), n, b.sourceLen(), b.sourceLengths(), false, rng);
        float[] all = new float[n * t * v];                                                         // (B, T, V_t)
        int[] tokens = new int[n];
        Arrays.fill(tokens, seqlab.text.Vocabulary.BOS);
        for (int step = 0; step < t; step++) {
            float[] logits = d.step(tokens, rng).logits().data();
            for (int r = 0; r < n; r++) {
                System.arraycopy(logits, r * v, all, (r * t + step) * v, v);
                tokens[r] = seqlab.kernel.Vec.argmax(v, logits, r * v);
            }
        }
        return CrossEntropy.mean(Tensor.of(all, n * t, v), b.targetOut(), Seq2SeqBatch.IGNORE, labelSmoothing);
    }

    /**
     * Decoder inputs per row before the trailing {@code <pad>}s (at least 1, the {@code <bos>}): the
     * tutorial's {@code tgt_padding_mask}, from the inputs alone, so that logits of inputs without
     * targets ({@code forward}) are those of training.
     */
    static int[] targetLengths(Seq2SeqBatch b) {
        int[] lengths = new int[b.batch()];
        for (int r = 0; r < b.batch(); r++) {
            int len = b.targetLen();
            while (len > 1 && b.targetIn()[r * b.targetLen() + len - 1] == seqlab.text.Vocabulary.PAD) {
                len--;
            }
            lengths[r] = len;
        }
        return lengths;
    }

    @Override
    public Decoding decode(int[] source, int batch, int length, int[] lengths, boolean weights, Rng rng) {
        if (length > config.maxPositions()) {
            throw new IllegalArgumentException("a source of " + length + " tokens is longer than the model's max_positions "
                    + config.maxPositions() + "; shorten it");
        }
        AttentionMask padding = AttentionMask.padding(lengths);
        Tensor memory = encode(source, batch, length, padding, rng);                                  // (B, S, d)
        return TransformerDecoding.start(this, memory, padding, weights);
    }

    /** The encoder's output (B, S, d) for a padded batch of sources, (B, S) ids row-major with each row's real length. */
    public Tensor encode(int[] source, int batch, int length, int[] lengths, Rng rng) {
        return encode(source, batch, length, AttentionMask.padding(lengths), rng);
    }

    private Tensor encode(int[] source, int batch, int length, AttentionMask padding, Rng rng) {
        return transformer.encoder().forward(embedSource(source, batch, length, rng), padding, rng);
    }
}
