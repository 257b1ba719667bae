package seqlab.model;

import java.util.ArrayList;
import java.util.List;

import seqlab.data.Seq2SeqBatch;
import seqlab.kernel.AttentionMask;
import seqlab.kernel.Gemm;
import seqlab.kernel.Vec;
import seqlab.model.Seq2SeqConfig.Attention;
import seqlab.nn.Dropout;
import seqlab.nn.Embedding;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.nn.attention.AdditiveAttention;
import seqlab.nn.attention.AttentionScore;
import seqlab.nn.attention.ConcatAttention;
import seqlab.nn.attention.DotAttention;
import seqlab.nn.attention.GeneralAttention;
import seqlab.nn.recurrent.Recurrent;
import seqlab.nn.recurrent.RecurrentConfig;
import seqlab.nn.recurrent.RecurrentLayers;
import seqlab.tensor.CrossEntropy;
import seqlab.tensor.PackedWeights;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.ShapeOps;

/**
 * An encoder–decoder on recurrent layers. The encoder reads the embedded source x_1…x_S into states
 * h_1…h_S (B, S, D·H) and final states, bridged to the decoder's size when bidirectional:
 * s_0 = tanh(W_b [h_fwd; h_bwd] + b) per layer (LSTM cells: c_0 = W_bc [c_fwd; c_bwd] + b, no tanh).
 * The decoder, started from s_0, reads the previous target token y_{t−1} (embedded e_t) and,
 * per {@link Attention} variant:
 * <ul>
 *   <li>none (Sutskever et al.): s_t = RNN(e_t, s_{t−1}); logits = W_o s_t;
 *   <li>context (Cho et al.): z = top layer of s_0; s_t = RNN([e_t; z], s_{t−1}); logits = W_o [s_t; z; e_t]
 *       (or W_o s_t without the deep output, {@link Seq2SeqConfig#deepOutput});
 *   <li>bahdanau: α_t = softmax_i(vᵀ tanh(W_a s_{t−1} + U_a h_i)), c_t = Σ α_ti h_i (query: top layer of
 *       s_{t−1}); s_t = RNN([e_t; c_t], s_{t−1}); logits = W_o [s_t; c_t; e_t];
 *   <li>luong-*: s_t = RNN([e_t; h̃_{t−1}], s_{t−1}) (input feeding, h̃_0 = 0); α_t = softmax_i(score(s_t, h_i)),
 *       c_t = Σ α_ti h_i; h̃_t = tanh(W_c [c_t; s_t] + b_c); logits = W_o h̃_t.
 * </ul>
 * Padding: the encoder runs as a packed sequence (each row's final state is at its own last token),
 * attention gives padded positions weight exactly 0, and the loss ignores padded targets.
 *
 * <p>Parameters, in state-dict order: {@code src_embed.weight} (V_s, E); {@code encoder.*} (see
 * {@link Recurrent}); {@code bridge.weight} (H, 2H), {@code bridge.bias} and, for LSTM,
 * {@code bridge_c.*} when bidirectional; {@code tgt_embed.weight} (V_t, E); {@code attention.*} (see
 * nn.attention); {@code decoder.*} (L layers, input E, E + H or E + D·H); {@code combine.*} (H, D·H + H)
 * for Luong; {@code out.weight} (V_t, H | 2H + E | H + D·H + E), {@code out.bias}.
 */
public final class Seq2Seq extends Module implements TranslationModel {

    /**
     * The encoded source, what every decoder step reads: encoder states (B, S, D·H), the attention's
     * prepared keys (null without attention), the mask hiding each row's padding, the context
     * vector z (B, H) for the {@code context} variant (else null), and the decoder's recurrent
     * weights packed once for all its steps. A memory is valid while the model's weights do not
     * change: encode again after an optimizer step.
     */
    public record Memory(Tensor states, Tensor prepared, AttentionMask mask, Tensor context, PackedWeights decoderWeights) {
        public int batch() {
            return states.dim(0);
        }

        public int length() {
            return states.dim(1);
        }
    }

    /** Decoder state: h (L, B, H), c (L, B, H) for LSTM else null, Luong's h̃_{t−1} (B, H) else null. */
    public record State(Tensor h, Tensor c, Tensor feed) {}

    /** An encoded source and the decoder's initial state. */
    public record Encoded(Memory memory, State state) {}

    /** One decoder step: logits (B, V_t), the next state, attention weights (B, S) or null. */
    public record Step(Tensor logits, State state, Tensor weights) {}

    /** A pass over a target: logits (B, T, V_t) and the attention weights (B, S) of each step (empty without attention). */
    public record Output(Tensor logits, List<Tensor> weights) {}

    /** A pass before the output layer: its input (B, T, F) at every step, and the attention weights. */
    private record Features(Tensor features, List<Tensor> weights) {}

    private final Seq2SeqConfig config;
    private final Dropout drop;
    private final Embedding srcEmbed;         // (V_s, E)
    private final Recurrent encoder;          // (B, S, E) → (B, S, D·H)
    private final Linear bridge;              // (H, 2H) or null
    private final Linear bridgeC;             // (H, 2H) or null
    private final Embedding tgtEmbed;         // (V_t, E)
    private final AttentionScore attention;   // or null
    private final Recurrent decoder;          // (B, 1, I_dec) → (B, 1, H)
    private final Linear combine;             // (H, D·H + H) or null
    private final Linear out;                 // (V_t, ·)

    public Seq2Seq(Seq2SeqConfig config, Rng rng) {
        this.config = config;
        int e = config.embeddingSize();
        int h = config.hiddenSize();
        int dh = config.encoderStateSize();
        Attention kind = config.attention();
        this.drop = child("drop", new Dropout(config.dropout()));
        this.srcEmbed = child("src_embed", new Embedding(config.sourceVocab(), e, rng));
        this.encoder = child("encoder", RecurrentLayers.create(new RecurrentConfig(config.cell(), e, h, config.numLayers(),
                true, true, config.dropout(), config.bidirectional()), rng));
        this.bridge = config.bidirectional() ? child("bridge", new Linear(2 * h, h, true, rng)) : null;
        this.bridgeC = config.bidirectional() && lstm() ? child("bridge_c", new Linear(2 * h, h, true, rng)) : null;
        this.tgtEmbed = child("tgt_embed", new Embedding(config.targetVocab(), e, rng));
        this.attention = switch (kind) {
            case BAHDANAU -> child("attention", new AdditiveAttention(h, dh, h, rng));
            case LUONG_DOT -> child("attention", new DotAttention());
            case LUONG_GENERAL -> child("attention", new GeneralAttention(h, dh, rng));
            case LUONG_CONCAT -> child("attention", new ConcatAttention(h, dh, h, rng));
            default -> null;
        };
        int decIn = switch (kind) {
            case NONE -> e;
            case CONTEXT -> e + h;
            case BAHDANAU -> e + dh;
            default -> e + h;                                            // input feeding of h̃
        };
        this.decoder = child("decoder", RecurrentLayers.create(new RecurrentConfig(config.cell(), decIn, h, config.numLayers(),
                true, true, config.dropout(), false), rng));
        this.combine = kind.luong() ? child("combine", new Linear(dh + h, h, true, rng)) : null;
        int outIn = !config.readsContext() ? h : kind == Attention.CONTEXT ? 2 * h + e : h + dh + e;
        this.out = child("out", new Linear(outIn, config.targetVocab(), true, rng));
    }

    /** The number of parameters a model of this config has, without building it (Long.MAX_VALUE past a long). */
    public static long parameterCount(Seq2SeqConfig c) {
        long g = c.cell().gates();
        long e = c.embeddingSize();
        long h = c.hiddenSize();
        long dh = c.encoderStateSize();
        int d = c.bidirectional() ? 2 : 1;
        Attention kind = c.attention();
        long bridge = !c.bidirectional() ? 0
                : Footprint.mul(Footprint.add(Footprint.mul(2, h, h), h), c.cell() == seqlab.tensor.CellType.LSTM ? 2 : 1);   // bridge, bridge_c
        long attention = switch (kind) {
            case BAHDANAU -> Footprint.add(Footprint.mul(h, h), Footprint.mul(dh, h), h, h);       // W_a, U_a (+ bias), v
            case LUONG_GENERAL -> Footprint.add(Footprint.mul(h, dh), h);
            case LUONG_CONCAT -> Footprint.add(Footprint.mul(h, h + dh), h, h);
            default -> 0;
        };
        long decIn = switch (kind) {
            case NONE -> e;
            case BAHDANAU -> e + dh;
            default -> e + h;
        };
        long combine = kind.luong() ? Footprint.add(Footprint.mul(h, dh + h), h) : 0;
        long outIn = !c.readsContext() ? h : kind == Attention.CONTEXT ? 2 * h + e : h + dh + e;
        return Footprint.add(Footprint.mul(c.sourceVocab(), e), Footprint.recurrentParameters(g, e, h, c.numLayers(), d),  // source side
                bridge, Footprint.mul(c.targetVocab(), e), attention,
                Footprint.recurrentParameters(g, decIn, h, c.numLayers(), 1), combine,                                    // decoder
                Footprint.mul(outIn, c.targetVocab()), c.targetVocab());                                                    // out
    }

    /** What a model of this config needs to train on batches of B pairs of up to S source and T target tokens. */
    public static Footprint footprint(Seq2SeqConfig c, int batch, int source, int target) {
        long g = c.cell().gates();
        long e = c.embeddingSize();
        long h = c.hiddenSize();
        long dh = c.encoderStateSize();
        long vt = c.targetVocab();
        int d = c.bidirectional() ? 2 : 1;
        long bs = (long) batch * source;
        long bt = (long) batch * target;
        long scores = c.attention() == Attention.BAHDANAU ? Footprint.mul(bt, source, h)           // tanh(W_a s + U_a h_i) per pair
                : c.attention().luong() ? Footprint.mul(bt, source, 3) : 0;
        long largest = Math.max(Math.max(Footprint.mul(Math.max(c.sourceVocab(), vt), e), Footprint.mul(vt, h + dh + e)),
                Math.max(Footprint.mul(bt, vt), Footprint.mul(g, h, Math.max(e + dh, h))));
        long step = Footprint.add(Footprint.mul(2, bs + bt, e, 2),
                Footprint.recurrentStepFloats(g, h, c.numLayers(), d, batch, source),
                Footprint.recurrentStepFloats(g, h, c.numLayers(), 1, batch, target),
                Footprint.mul(2, scores), Footprint.mul(2, bt, dh, 2),                              // attention, contexts
                Footprint.mul(2, bt, vt, 2));                                                       // logits and probabilities
        return new Footprint(parameterCount(c), largest, step);
    }

    @Override
    public Seq2SeqConfig config() {
        return config;
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public int sourceVocab() {
        return config.sourceVocab();
    }

    @Override
    public int targetVocab() {
        return config.targetVocab();
    }

    @Override
    public int maxLength() {
        return config.maxLength();
    }

    @Override
    public String maxLengthField() {
        return "max_length";
    }

    @Override
    public int attentionLayers() {
        return 1;
    }

    @Override
    public String attentionName() {
        return config.attention().id();
    }

    @Override
    public boolean attends() {
        return config.attention().attends();
    }

    @Override
    public Tensor logits(Seq2SeqBatch b, Rng rng) {
        return forward(b, 1.0, new Rng(0), rng).logits();
    }

    @Override
    public Decoding decode(int[] source, int batch, int length, int[] lengths, boolean weights, Rng rng) {
        Encoded enc = encode(source, batch, length, lengths, rng);
        return new Seq2SeqDecoding(this, enc.memory(), enc.state(), weights);
    }

    private boolean lstm() {
        return config.cell() == seqlab.tensor.CellType.LSTM;
    }

    /**
     * Encodes a padded source batch.
     *
     * @param source  (B, S) ids, row-major
     * @param lengths (B) real tokens per row
     */
    public Encoded encode(int[] source, int batch, int length, int[] lengths, Rng rng) {
        Tensor emb = drop.forward(srcEmbed.forward(source, batch, length), rng);              // (B, S, E)
        Recurrent.Output r = encoder.forward(emb, null, null, lengths, rng);                    // (B, S, D·H)
        Tensor h0 = r.h();                                                                      // (L·D, B, H)
        Tensor c0 = r.c();
        if (config.bidirectional()) {
            List<Tensor> hs = new ArrayList<>();
            List<Tensor> cs = new ArrayList<>();
            for (int k = 0; k < config.numLayers(); k++) {
                // s_0 = tanh(W_b [h_fwd; h_bwd] + b)
                hs.add(PointwiseOps.tanh(bridge.forward(ShapeOps.concatLast(ShapeOps.select(h0, 2 * k), ShapeOps.select(h0, 2 * k + 1)))));
                if (c0 != null) {
                    cs.add(bridgeC.forward(ShapeOps.concatLast(ShapeOps.select(c0, 2 * k), ShapeOps.select(c0, 2 * k + 1))));
                }
            }
            h0 = ShapeOps.stack(hs);                                                                 // (L, B, H)
            c0 = c0 == null ? null : ShapeOps.stack(cs);
        }
        Attention kind = config.attention();
        Tensor prepared = attention == null ? null : attention.prepare(r.output());
        Tensor z = kind == Attention.CONTEXT ? ShapeOps.select(h0, config.numLayers() - 1) : null;   // (B, H)
        Tensor feed = kind.luong() ? Tensor.zeros(batch, config.hiddenSize()) : null;           // h̃_0 = 0
        return new Encoded(new Memory(r.output(), prepared, AttentionMask.padding(lengths), z, new PackedWeights()), new State(h0, c0, feed));
    }

    /** What one step passes to the output layer, before W_o. */
    private record Readout(Tensor features, State state, Tensor weights) {}

    private Readout readout(Memory m, State s, int[] tokens, Rng rng) {
        int b = tokens.length;
        int h = config.hiddenSize();
        Tensor e = drop.forward(tgtEmbed.forward(tokens, b), rng);                              // e_t (B, E)
        Tensor weights = null;
        Tensor context = null;
        Tensor x = switch (config.attention()) {
            case NONE -> e;
            case CONTEXT -> ShapeOps.concatLast(e, m.context());                                    // [e_t; z]
            case BAHDANAU -> {
                AttentionScore.Output a = attention.attend(ShapeOps.select(s.h(), config.numLayers() - 1), m.prepared(),
                        m.states(), m.mask());                                                  // query s_{t−1}
                weights = a.weights();
                context = a.context();
                yield ShapeOps.concatLast(e, context);                                               // [e_t; c_t]
            }
            default -> ShapeOps.concatLast(e, s.feed());                                             // [e_t; h̃_{t−1}]
        };
        Recurrent.Output r = decoder.forward(ShapeOps.reshape(x, b, 1, x.dim(1)), s.h(), s.c(), null, rng, m.decoderWeights());
        Tensor top = ShapeOps.reshape(r.output(), b, h);                                             // s_t (B, H)
        Tensor feed = null;
        Tensor features = switch (config.attention()) {
            case NONE -> top;
            case CONTEXT -> config.readsContext() ? ShapeOps.concatLast(ShapeOps.concatLast(top, m.context()), e) : top;   // [s_t; z; e_t]
            case BAHDANAU -> config.readsContext() ? ShapeOps.concatLast(ShapeOps.concatLast(top, context), e) : top;      // [s_t; c_t; e_t]
            default -> {
                AttentionScore.Output a = attention.attend(top, m.prepared(), m.states(), m.mask());   // query s_t
                weights = a.weights();
                feed = PointwiseOps.tanh(combine.forward(ShapeOps.concatLast(a.context(), top)));   // h̃_t = tanh(W_c [c_t; s_t] + b_c)
                yield feed;
            }
        };
        return new Readout(features, new State(r.h(), r.c(), feed), weights);
    }

    /** One decoder step from the previous tokens (B). */
    public Step step(Memory m, State s, int[] tokens, Rng rng) {
        Readout r = readout(m, s, tokens, rng);
        return new Step(out.forward(r.features()), r.state(), r.weights());
    }

    /**
     * Runs the decoder over a batch's targets. Teacher forcing: step t reads the true y_{t−1} with
     * probability {@code teacherForcing} (one draw per step for the whole batch, from {@code tfRng}),
     * else the model's own most likely token at step t−1. Ratio 1 always reads the truth, 0 never
     * (free running).
     */
    public Output forward(Seq2SeqBatch b, double teacherForcing, Rng tfRng, Rng rng) {
        Features f = features(b, teacherForcing, tfRng, rng);
        return new Output(out.forward(f.features()), f.weights());                              // (B, T, V_t)
    }

    private Features features(Seq2SeqBatch b, double teacherForcing, Rng tfRng, Rng rng) {
        if (!(teacherForcing >= 0 && teacherForcing <= 1)) {
            throw new IllegalArgumentException("teacher forcing ratio must be in [0, 1], got " + teacherForcing);
        }
        Encoded enc = encode(b.source(), b.batch(), b.sourceLen(), b.sourceLengths(), rng);
        int batch = b.batch();
        int steps = b.targetLen();
        if (config.attention() == Attention.NONE && teacherForcing >= 1) {
            // every input is known: the decoder runs as one scan over the whole target
            Tensor e = drop.forward(tgtEmbed.forward(b.targetIn(), batch, steps), rng);         // (B, T, E)
            Recurrent.Output r = decoder.forward(e, enc.state().h(), enc.state().c(), rng);     // (B, T, H)
            return new Features(r.output(), List.of());
        }
        boolean[] teacher = new boolean[steps];                                                 // does step t read the truth?
        for (int t = 1; t < steps; t++) {
            teacher[t] = teacherForcing >= 1 || (teacherForcing > 0 && tfRng.nextDouble() < teacherForcing);
        }
        State s = enc.state();
        int[] tokens = column(b.targetIn(), batch, steps, 0);                                   // <bos>
        List<Tensor> features = new ArrayList<>();                                              // (B, ·) per step
        List<Tensor> weights = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            Readout r = readout(enc.memory(), s, tokens, rng);
            s = r.state();
            if (r.weights() != null) {
                weights.add(r.weights());
            }
            features.add(r.features());
            if (t + 1 < steps) {
                tokens = teacher[t + 1] ? column(b.targetIn(), batch, steps, t + 1) : mostLikely(r.features());
            }
        }
        // W_o is applied once over all steps by the caller: one large GEMM instead of T small ones
        return new Features(ShapeOps.transpose01(ShapeOps.stack(features)), weights);                    // (B, T, F)
    }

    /** Mean cross-entropy of a pass against the batch's targets (padding ignored). */
    public Tensor loss(Output o, Seq2SeqBatch b) {
        return CrossEntropy.mean(ShapeOps.reshape(o.logits(), b.batch() * b.targetLen(), config.targetVocab()), b.targetOut(),
                Seq2SeqBatch.IGNORE);
    }

    /**
     * The training loss of a batch at a teacher-forcing ratio: the same value as
     * {@code loss(forward(…), b)}, but the output layer runs only at the real (not padded) target
     * positions.
     */
    @Override
    public Tensor loss(Seq2SeqBatch b, double teacherForcing, float labelSmoothing, Rng tfRng, Rng rng) {
        Features f = features(b, teacherForcing, tfRng, rng);
        int cells = b.batch() * b.targetLen();
        int real = 0;
        for (int y : b.targetOut()) {
            real += y == Seq2SeqBatch.IGNORE ? 0 : 1;
        }
        int[] rows = new int[real];
        int[] targets = new int[real];
        for (int i = 0, k = 0; i < cells; i++) {
            if (b.targetOut()[i] != Seq2SeqBatch.IGNORE) {
                rows[k] = i;
                targets[k++] = b.targetOut()[i];
            }
        }
        Tensor kept = ShapeOps.rows(ShapeOps.reshape(f.features(), cells, f.features().dim(2)), rows);   // (N_real, F)
        return CrossEntropy.mean(out.forward(kept), targets, Seq2SeqBatch.IGNORE, labelSmoothing);
    }

    private static int[] column(int[] ids, int batch, int steps, int t) {
        int[] c = new int[batch];
        for (int r = 0; r < batch; r++) {
            c[r] = ids[r * steps + t];
        }
        return c;
    }

    /**
     * The most likely next token of each row from a step's output-layer input (B, ·) → (B), ties to
     * the lower id; computed outside the graph, since a chosen token carries no gradient.
     */
    private int[] mostLikely(Tensor features) {
        int rows = features.dim(0);
        int in = features.dim(1);
        int v = config.targetVocab();
        float[] z = new float[rows * v];                                                        // W_o f + b, (B, V_t)
        Gemm.sgemm(false, true, rows, v, in, 1f, features.data(), 0, in, out.weight().data(), 0, in, 0f, z, 0, v);
        Vec.addBias(rows, v, out.bias().data(), 0, z, 0);
        int[] ids = new int[rows];
        for (int r = 0; r < ids.length; r++) {
            int best = 0;
            for (int j = 1; j < v; j++) {
                if (z[r * v + j] > z[r * v + best]) {
                    best = j;
                }
            }
            ids[r] = best;
        }
        return ids;
    }
}
