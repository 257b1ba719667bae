package seqlab.model;

import seqlab.nn.Dropout;
import seqlab.nn.Embedding;
import seqlab.nn.Init;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.nn.recurrent.Recurrent;
import seqlab.nn.recurrent.RecurrentConfig;
import seqlab.nn.recurrent.RecurrentLayers;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.ShapeOps;

/**
 * A recurrent language model, the architecture of PyTorch's example word-language model
 * ({@code RNNModel}): tokens → embedding → dropout → L recurrent layers → dropout → linear →
 * logits, trained with cross-entropy on the next token.
 *
 * <p>Parameters, with the example's names: {@code encoder.weight} (V, E);
 * {@code rnn.weight_ih_l{k}}, {@code rnn.weight_hh_l{k}}, {@code rnn.bias_ih_l{k}},
 * {@code rnn.bias_hh_l{k}} (see {@link Recurrent}); {@code decoder.weight} (V, H),
 * {@code decoder.bias} (V). With tied weights decoder.weight is encoder.weight. Init as the
 * example: encoder and decoder weights ~ U(−0.1, 0.1), decoder bias 0, recurrent weights
 * ~ U(−1/√H, 1/√H).
 */
public final class RnnLanguageModel extends Module implements LanguageModel {

    /** Logits and the final recurrent state (to carry into the next chunk, as in generation). */
    public record Output(Tensor logits, Tensor h, Tensor c) {}

    private final RnnLmConfig config;
    private final Dropout drop;
    private final Embedding encoder;    // weight (V, E)
    private final Recurrent rnn;        // (B, T, E) → (B, T, H)
    private final Linear decoder;       // weight (V, H), bias (V)

    public RnnLanguageModel(RnnLmConfig config, Rng rng) {
        this.config = config;
        this.drop = child("drop", new Dropout(config.dropout()));
        this.encoder = child("encoder", new Embedding(config.vocabSize(), config.embeddingSize(), rng));
        RecurrentConfig rc = new RecurrentConfig(config.cell(), config.embeddingSize(), config.hiddenSize(),
                config.numLayers(), true, true, config.dropout(), false);
        this.rnn = child("rnn", RecurrentLayers.create(rc, rng));
        this.decoder = child("decoder", config.tieWeights()
                ? new Linear(encoder.weight(), true)
                : new Linear(config.hiddenSize(), config.vocabSize(), true, rng));
        Init.uniform(encoder.weight(), 0.1f, rng);
        if (!config.tieWeights()) {
            Init.uniform(decoder.weight(), 0.1f, rng);
        }
        Init.constant(decoder.bias(), 0f);
    }

    /** The number of parameters a model of this config has, without building it (Long.MAX_VALUE past a long). */
    public static long parameterCount(RnnLmConfig c) {
        long h = c.hiddenSize();
        long v = c.vocabSize();
        return Footprint.add(Footprint.mul(v, c.embeddingSize()),                                   // encoder
                Footprint.recurrentParameters(c.cell().gates(), c.embeddingSize(), h, c.numLayers(), 1),
                c.tieWeights() ? 0 : Footprint.mul(h, v), v);                                       // decoder
    }

    /** What a model of this config needs to train on (B, T) windows, without building it. */
    public static Footprint footprint(RnnLmConfig c, int batch, int time) {
        long g = c.cell().gates();
        long h = c.hiddenSize();
        long v = c.vocabSize();
        long e = c.embeddingSize();
        long bt = (long) batch * time;
        long largest = Math.max(Math.max(Footprint.mul(v, e), Footprint.mul(v, h)),
                Math.max(Footprint.mul(g, h, Math.max(e, h)), Footprint.mul(bt, Math.max(v, g * h))));
        long step = Footprint.add(Footprint.mul(2, bt, e, 2),                                       // embeddings, dropped out
                Footprint.recurrentStepFloats(g, h, c.numLayers(), 1, batch, time),
                Footprint.mul(2, bt, v, 2));                                                        // logits and probabilities
        return new Footprint(parameterCount(c), largest, step);
    }

    @Override
    public RnnLmConfig config() {
        return config;
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    /** Carries the recurrent state from each window into the next (as the PyTorch example's evaluate()). */
    @Override
    public Reader reader() {
        return new Reader() {
            private Tensor h;
            private Tensor c;

            @Override
            public Tensor next(int[] ids, Rng rng) {
                Output o = forward(ids, 1, ids.length, h, c, rng);
                h = Tensor.of(o.h().data(), o.h().shape());                     // detached: the next window's start
                c = o.c() == null ? null : Tensor.of(o.c().data(), o.c().shape());
                return ShapeOps.reshape(o.logits(), ids.length, config.vocabSize());
            }
        };
    }

    @Override
    public Generation generate(int[][] prompts, int newTokens, Rng rng) {
        return RnnDecoding.start(this, prompts, rng);
    }

    @Override
    public java.util.Map<String, seqlab.io.Safetensors.Entry> weights() {
        return StateDict.entries(this);
    }

    @Override
    public java.util.List<String> loadWeights(seqlab.io.Safetensors.File f) {
        return StateDict.load(this, f);
    }

    /**
     * @param ids (B, T) token ids, row-major
     * @param h0  (L, B, H) or null for zeros; {@code c0} likewise (LSTM only)
     * @param rng draws dropout masks while training
     * @return logits (B, T, V) and the final states (L, B, H)
     */
    public Output forward(int[] ids, int batch, int time, Tensor h0, Tensor c0, Rng rng) {
        Tensor emb = drop.forward(encoder.forward(ids, batch, time), rng);     // (B, T, E)
        Recurrent.Output r = rnn.forward(emb, h0, c0, rng);                      // (B, T, H)
        Tensor out = drop.forward(r.output(), rng);
        return new Output(decoder.forward(out), r.h(), r.c());                  // (B, T, V)
    }

    /** Logits (B, T, V) from zero initial states. */
    @Override
    public Tensor logits(int[] ids, int batch, int time, Rng rng) {
        return forward(ids, batch, time, null, null, rng).logits();
    }

    /** Mean next-token cross-entropy of (B, T) inputs against (B, T) targets (ignore index −100). */
    @Override
    public Tensor loss(int[] ids, int[] targets, int batch, int time, Rng rng) {
        Tensor logits = logits(ids, batch, time, rng);
        return seqlab.tensor.CrossEntropy.mean(ShapeOps.reshape(logits, batch * time, config.vocabSize()), targets, -100);
    }
}
