package seqlab.model;

import java.util.LinkedHashMap;
import java.util.Map;

import seqlab.io.FormatException;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.nn.transformer.Activation;
import seqlab.nn.transformer.Positional;
import seqlab.tensor.Rng;

/**
 * The sizes and variant of a {@link Gpt}, as stored in seqlab's {@code config.json}
 * ({@code "architecture": "gpt2"}) under GPT-2's own field names (Hugging Face's {@code GPT2Config}).
 *
 * @param vocabSize          vocab_size, V
 * @param nPositions         n_positions, the context window P
 * @param nEmbd              n_embd, E
 * @param nLayer             n_layer
 * @param nHead              n_head, dividing E
 * @param nInner             n_inner, the MLP's width (GPT-2: 4E)
 * @param activation         activation_function: gelu_new (GPT-2's tanh form), gelu (exact) or relu
 * @param residPdrop         resid_pdrop, dropout after each sublayer (and inside none)
 * @param embdPdrop          embd_pdrop, dropout on the embeddings
 * @param attnPdrop          attn_pdrop, dropout on the attention weights
 * @param layerNormEpsilon   layer_norm_epsilon
 * @param tieWordEmbeddings  tie_word_embeddings: lm_head.weight is wte.weight
 * @param positional         learned (GPT-2's wpe) or rotary (seqlab's option; not a GPT-2 checkpoint)
 * @param bosTokenId         bos_token_id, or null
 * @param eosTokenId         eos_token_id, or null
 */
public record GptConfig(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead, int nInner, Activation activation,
                        float residPdrop, float embdPdrop, float attnPdrop, float layerNormEpsilon, boolean tieWordEmbeddings,
                        Positional positional, Integer bosTokenId, Integer eosTokenId) implements ModelConfig {

    public static final String ARCHITECTURE = "gpt2";

    /** GPT-2's <|endoftext|>, its bos and eos. */
    public static final int GPT2_EOS = 50256;

    public GptConfig {
        if (vocabSize < 1 || nEmbd < 1 || nLayer < 1 || nHead < 1 || nInner < 1) {
            throw new IllegalArgumentException("vocab_size, n_embd, n_layer, n_head and n_inner must be >= 1, got " + vocabSize + ", "
                    + nEmbd + ", " + nLayer + ", " + nHead + " and " + nInner);
        }
        if (nPositions < 1 || nPositions > TransformerConfig.MAX_POSITIONS) {
            throw new IllegalArgumentException("n_positions must be in [1, " + TransformerConfig.MAX_POSITIONS + "], got " + nPositions);
        }
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation_function must be one of " + Activation.IDS);
        }
        for (float p : new float[] {residPdrop, embdPdrop, attnPdrop}) {
            if (!(p >= 0f && p < 1f)) {
                throw new IllegalArgumentException("resid_pdrop, embd_pdrop and attn_pdrop must be in [0, 1), got " + p);
            }
        }
        if (!(layerNormEpsilon > 0f)) {
            throw new IllegalArgumentException("layer_norm_epsilon must be > 0, got " + layerNormEpsilon);
        }
        if (positional != Positional.LEARNED && positional != Positional.ROTARY) {
            throw new IllegalArgumentException("positional must be learned or rotary, got " + (positional == null ? null : positional.id()));
        }
        if (positional == Positional.ROTARY && (nEmbd / nHead) % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head size, got n_embd / n_head = " + nEmbd / nHead);
        }
        for (Integer id : new Integer[] {bosTokenId, eosTokenId}) {
            if (id != null && (id < 0 || id >= vocabSize)) {
                throw new IllegalArgumentException("bos_token_id and eos_token_id must be in [0, vocab_size " + vocabSize + "), got " + id);
            }
        }
    }

    /**
     * A model of these sizes with GPT-2's other settings: n_inner 4E, gelu_new, layer_norm_epsilon
     * 1e-5, tied embeddings, learned positions, one dropout for the three.
     */
    public static GptConfig of(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead, float dropout) {
        return new GptConfig(vocabSize, nPositions, nEmbd, nLayer, nHead, 4 * nEmbd, Activation.GELU_NEW, dropout, dropout, dropout,
                1e-5f, true, Positional.LEARNED, null, null);
    }

    /** The same model with the three dropouts set to p (fine-tuning). */
    @Override
    public GptConfig withDropout(float p) {
        return new GptConfig(vocabSize, nPositions, nEmbd, nLayer, nHead, nInner, activation, p, p, p, layerNormEpsilon,
                tieWordEmbeddings, positional, bosTokenId, eosTokenId);
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public Capability capability() {
        return Capability.GENERATES;
    }

    @Override
    public Gpt build(Rng rng) {
        return new Gpt(this, rng);
    }

    @Override
    public Footprint footprint(int batch, int length) {
        return Gpt.footprint(this, batch, length);
    }

    @Override
    public int contextLength() {
        return nPositions;
    }

    @Override
    public String contextField() {
        return "n_positions";
    }

    @Override
    public String sizeFields() {
        return "vocab_size, n_embd, n_inner, n_layer, n_positions";
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", ARCHITECTURE);
        m.put("vocab_size", vocabSize);
        m.put("n_positions", nPositions);
        m.put("n_embd", nEmbd);
        m.put("n_layer", nLayer);
        m.put("n_head", nHead);
        m.put("n_inner", nInner);
        m.put("activation_function", activation.id());
        m.put("resid_pdrop", Json.decimal(residPdrop));
        m.put("embd_pdrop", Json.decimal(embdPdrop));
        m.put("attn_pdrop", Json.decimal(attnPdrop));
        m.put("layer_norm_epsilon", Json.decimal(layerNormEpsilon));
        m.put("tie_word_embeddings", tieWordEmbeddings);
        m.put("positional", positional.id());
        m.put("bos_token_id", bosTokenId == null ? Json.NULL : bosTokenId);
        m.put("eos_token_id", eosTokenId == null ? Json.NULL : eosTokenId);
        return m;
    }

    public static GptConfig fromJson(JsonFields j) {
        String arch = j.string("architecture");
        if (!arch.equals(ARCHITECTURE)) {
            throw new FormatException(j.where() + ": field \"architecture\" is \"" + arch + "\", expected \"" + ARCHITECTURE + "\"");
        }
        try {
            return new GptConfig(j.integer("vocab_size", 1), j.integer("n_positions", 1), j.integer("n_embd", 1), j.integer("n_layer", 1),
                    j.integer("n_head", 1), j.integer("n_inner", 1), Activation.fromId(j.string("activation_function")),
                    (float) j.number("resid_pdrop", 0, 0.999999), (float) j.number("embd_pdrop", 0, 0.999999),
                    (float) j.number("attn_pdrop", 0, 0.999999), (float) j.number("layer_norm_epsilon", 1e-12, 1),
                    j.bool("tie_word_embeddings"), Positional.fromId(j.string("positional")), optionalId(j, "bos_token_id"),
                    optionalId(j, "eos_token_id"));
        } catch (FormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FormatException(j.where() + ": " + e.getMessage());
        }
    }

    /** An id field that may be null or absent. */
    public static Integer optionalId(JsonFields j, String key) {
        return j.has(key) ? (int) j.integer(key, 0, Integer.MAX_VALUE) : null;
    }
}
