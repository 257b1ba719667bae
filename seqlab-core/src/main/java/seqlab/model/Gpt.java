package seqlab.model;

import java.util.List;
import java.util.Map;

import seqlab.io.Safetensors;
import seqlab.kernel.AttentionMask;
import seqlab.model.hf.Gpt2Weights;
import seqlab.nn.Init;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.nn.attention.RotaryEmbedding;
import seqlab.nn.transformer.GptBlock;
import seqlab.nn.transformer.GptDecoder;
import seqlab.nn.transformer.Positional;
import seqlab.tensor.CrossEntropy;
import seqlab.tensor.Rng;
import seqlab.tensor.ShapeOps;
import seqlab.tensor.Tensor;

/**
 * GPT, a decoder-only Transformer trained to predict the next token (Radford et al., 2018, 2019;
 * GPT-2's {@code GPT2LMHeadModel}): logits = ln_f(h_L)·W_eᵀ, the output layer tied to the token
 * embedding unless the config unties it; P(x_t | x_{&lt;t}) = softmax(logits_t).
 *
 * <p>Parameters, {@code GPT2LMHeadModel}'s names: {@code transformer.*} (see {@link GptDecoder}),
 * {@code lm_head.weight} (V, E), no bias. Files hold them in Hugging Face's layout ({@link Gpt2Weights}).
 * Init as GPT-2's {@code _init_weights} (and nanoGPT's): every weight and embedding N(0, 0.02²),
 * biases 0, LayerNorms 1 and 0, and each block's two output projections ({@code c_proj}) N(0, (0.02/√(2·n_layer))²),
 * the scaling of residual paths of Radford et al. (2019), §2.3.
 */
public final class Gpt extends Module implements LanguageModel {

    /** GPT-2's initializer_range. */
    public static final float INIT_STD = 0.02f;

    private final GptConfig config;
    private final GptDecoder transformer;
    private final Linear lmHead;

    public Gpt(GptConfig c, Rng rng) {
        this.config = c;
        this.transformer = child("transformer", new GptDecoder(c.vocabSize(), c.nPositions(), c.nEmbd(), c.nLayer(), c.nHead(), c.nInner(),
                c.activation(), c.residPdrop(), c.embdPdrop(), c.attnPdrop(), c.layerNormEpsilon(),
                c.positional() == Positional.ROTARY ? RotaryEmbedding.DEFAULT : null, rng));
        this.lmHead = child("lm_head", c.tieWordEmbeddings() ? new Linear(transformer.wte().weight(), false)
                : new Linear(c.nEmbd(), c.vocabSize(), false, rng));
        init(rng);
    }

    private void init(Rng rng) {
        Init.normal(transformer.wte().weight(), INIT_STD, rng);
        if (transformer.wpe() != null) {
            Init.normal(transformer.wpe().weight(), INIT_STD, rng);
        }
        float proj = (float) (INIT_STD / Math.sqrt(2.0 * config.nLayer()));
        for (GptBlock b : transformer.blocks()) {
            for (Linear l : List.of(b.attn().cAttn(), b.attn().cProj(), b.mlp().cFc(), b.mlp().cProj())) {
                Init.normal(l.weight(), l == b.attn().cProj() || l == b.mlp().cProj() ? proj : INIT_STD, rng);
                Init.constant(l.bias(), 0f);
            }
        }
        if (!config.tieWordEmbeddings()) {
            Init.normal(lmHead.weight(), INIT_STD, rng);
        }
    }

    /** Parameters of a model of this config, without building it. */
    public static long parameterCount(GptConfig c) {
        long e = c.nEmbd();
        long f = c.nInner();
        long block = Footprint.add(Footprint.mul(3 * e, e), 3 * e, Footprint.mul(e, e), e,          // c_attn, attn.c_proj
                Footprint.mul(f, e), f, Footprint.mul(e, f), e, 4 * e);                                // c_fc, mlp.c_proj, ln_1, ln_2
        return Footprint.add(Footprint.mul(c.vocabSize(), e), c.positional() == Positional.LEARNED ? Footprint.mul(c.nPositions(), e) : 0,
                Footprint.mul(c.nLayer(), block), 2 * e, c.tieWordEmbeddings() ? 0 : Footprint.mul(c.vocabSize(), e));
    }

    /** What a model of this config needs to train on (B, T) windows, without building it. */
    public static Footprint footprint(GptConfig c, int batch, int time) {
        long e = c.nEmbd();
        long f = c.nInner();
        long bt = (long) batch * time;
        long v = c.vocabSize();
        long largest = Math.max(Math.max(Footprint.mul(v, e), Footprint.mul(bt, v)), Math.max(Footprint.mul(bt, f),
                Math.max(Footprint.mul(c.nPositions(), e), Footprint.mul(f, e))));
        long perPosition = Footprint.add(Footprint.mul(12, e), Footprint.mul(2, f));                    // a block's saved activations
        long step = Footprint.add(Footprint.mul(2, bt, perPosition, c.nLayer()), Footprint.mul(2, bt, e, 3),
                Footprint.mul(2, bt, v, 2));                                                            // logits and probabilities
        return new Footprint(parameterCount(c), largest, step);
    }

    @Override
    public GptConfig config() {
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

    @Override
    public Integer eosTokenId() {
        return config.eosTokenId();
    }

    /** The decoder stack, GPT-2's {@code transformer}. */
    public GptDecoder transformer() {
        return transformer;
    }

    Linear lmHead() {
        return lmHead;
    }

    @Override
    public Tensor logits(int[] ids, int batch, int time, Rng rng) {
        Tensor h = transformer.forward(ids, batch, time, null, AttentionMask.causal(), null, rng);     // (B, T, E)
        return lmHead.forward(h);                                                                      // ln_f(h_L)·W_eᵀ (B, T, V)
    }

    @Override
    public Tensor loss(int[] ids, int[] targets, int batch, int time, Rng rng) {
        Tensor logits = logits(ids, batch, time, rng);
        return CrossEntropy.mean(ShapeOps.reshape(logits, batch * time, config.vocabSize()), targets, -100);
    }

    @Override
    public Reader reader() {
        return (ids, rng) -> ShapeOps.reshape(logits(ids, 1, ids.length, rng), ids.length, config.vocabSize());
    }

    @Override
    public Generation generate(int[][] prompts, int newTokens, Rng rng) {
        return GptDecoding.start(this, prompts, newTokens, rng);
    }

    @Override
    public Map<String, Safetensors.Entry> weights() {
        return Gpt2Weights.entries(this);
    }

    @Override
    public List<String> loadWeights(Safetensors.File f) {
        return StateDict.load(this, Gpt2Weights.source(f));
    }
}
