package seqlab.model.hf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import seqlab.io.FormatException;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.model.GptConfig;
import seqlab.nn.transformer.Activation;
import seqlab.nn.transformer.Positional;

/**
 * Hugging Face's {@code GPT2Config} ({@code config.json} with {@code "model_type": "gpt2"}) to and
 * from a {@link GptConfig}. A field the file leaves out takes GPT2Config's default (GPT-2 small's
 * sizes, dropouts 0.1, ε 1e-5, gelu_new, bos and eos 50256 when the vocabulary has them, tied
 * embeddings); {@code n_inner} null means 4·n_embd. Options seqlab does not implement are refused
 * rather than ignored: {@code scale_attn_weights} false, {@code scale_attn_by_inverse_layer_idx}
 * true, {@code add_cross_attention} true, an activation other than gelu_new, gelu_pytorch_tanh
 * (the same function), gelu and relu.
 */
public final class Gpt2Config {

    public static final String MODEL_TYPE = "gpt2";

    private Gpt2Config() {}

    /** Whether a config.json is Hugging Face's (no seqlab {@code architecture}, a {@code model_type}). */
    public static boolean isHuggingFace(JsonFields j) {
        return !j.has("architecture") && j.has("model_type");
    }

    public static GptConfig fromJson(JsonFields j) {
        String type = j.string("model_type");
        if (!type.equals(MODEL_TYPE)) {
            throw new FormatException(j.where() + ": a Hugging Face config of model_type \"" + type + "\"; this version reads \""
                    + MODEL_TYPE + "\" (GPT-2) checkpoints");
        }
        refuse(j, "scale_attn_weights", false, "attention without the 1/sqrt(d_k) scale");
        refuse(j, "scale_attn_by_inverse_layer_idx", true, "attention scaled by the layer's index");
        refuse(j, "add_cross_attention", true, "cross-attention blocks");
        String act = j.string("activation_function", "gelu_new");
        Activation activation = switch (act) {
            case "gelu_new", "gelu_pytorch_tanh" -> Activation.GELU_NEW;
            case "gelu" -> Activation.GELU;
            case "relu" -> Activation.RELU;
            default -> throw new FormatException(j.where() + ": activation_function \"" + act + "\" is not supported (supported: "
                    + "gelu_new, gelu_pytorch_tanh, gelu, relu)");
        };
        try {
            int vocab = j.has("vocab_size") ? j.integer("vocab_size", 1) : 50257;
            int positions = j.has("n_positions") ? j.integer("n_positions", 1) : 1024;
            if (j.has("n_ctx") && j.integer("n_ctx", 1) != positions) {
                throw new FormatException(j.where() + ": n_ctx " + j.integer("n_ctx", 1) + " differs from n_positions " + positions
                        + "; GPT-2 reads one context window, make them equal");
            }
            int embd = j.has("n_embd") ? j.integer("n_embd", 1) : 768;
            return new GptConfig(vocab, positions, embd, j.has("n_layer") ? j.integer("n_layer", 1) : 12,
                    j.has("n_head") ? j.integer("n_head", 1) : 12, j.has("n_inner") ? j.integer("n_inner", 1) : 4 * embd, activation,
                    dropout(j, "resid_pdrop"), dropout(j, "embd_pdrop"), dropout(j, "attn_pdrop"),
                    (float) j.number("layer_norm_epsilon", 1e-12, 1, 1e-5), j.bool("tie_word_embeddings", true), Positional.LEARNED,
                    special(j, "bos_token_id", vocab), special(j, "eos_token_id", vocab));
        } catch (FormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FormatException(j.where() + ": " + e.getMessage());
        }
    }

    private static float dropout(JsonFields j, String key) {
        return (float) j.number(key, 0, 0.999999, 0.1);
    }

    /**
     * An id field: GPT2Config's 50256 when absent, null when null; an id the vocabulary does not
     * have is dropped (save_pretrained writes 50256 whatever the vocabulary, and transformers reads it).
     */
    private static Integer special(JsonFields j, String key, int vocab) {
        Integer id = j.map().containsKey(key) ? GptConfig.optionalId(j, key) : Integer.valueOf(GptConfig.GPT2_EOS);
        return id != null && id < vocab ? id : null;
    }

    private static void refuse(JsonFields j, String key, boolean value, String what) {
        if (j.has(key) && j.bool(key) == value) {
            throw new FormatException(j.where() + ": " + key + " is " + value + " (" + what + "), which seqlab's GPT-2 does not implement");
        }
    }

    /** The config.json {@code from_pretrained} reads for {@code GPT2LMHeadModel}; refused for rotary positions. */
    public static Map<String, Object> toJson(GptConfig c) {
        if (c.positional() != Positional.LEARNED) {
            throw new IllegalArgumentException("this model has " + c.positional().id() + " positions, which Hugging Face's GPT-2 does "
                    + "not have (it learns a table, wpe); only a model with learned positions exports as GPT-2");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("GPT2LMHeadModel"));
        m.put("model_type", MODEL_TYPE);
        m.put("vocab_size", c.vocabSize());
        m.put("n_positions", c.nPositions());
        m.put("n_ctx", c.nPositions());
        m.put("n_embd", c.nEmbd());
        m.put("n_layer", c.nLayer());
        m.put("n_head", c.nHead());
        m.put("n_inner", c.nInner());
        m.put("activation_function", c.activation().id());
        m.put("resid_pdrop", Json.decimal(c.residPdrop()));
        m.put("embd_pdrop", Json.decimal(c.embdPdrop()));
        m.put("attn_pdrop", Json.decimal(c.attnPdrop()));
        m.put("layer_norm_epsilon", Json.decimal(c.layerNormEpsilon()));
        m.put("initializer_range", 0.02);
        m.put("tie_word_embeddings", c.tieWordEmbeddings());
        m.put("bos_token_id", c.bosTokenId() == null ? Json.NULL : c.bosTokenId());
        m.put("eos_token_id", c.eosTokenId() == null ? Json.NULL : c.eosTokenId());
        m.put("torch_dtype", "float32");
        return m;
    }
}
