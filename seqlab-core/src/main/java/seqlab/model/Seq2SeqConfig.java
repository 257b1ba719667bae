package seqlab.model;

import java.util.LinkedHashMap;
import java.util.Map;

import seqlab.io.FormatException;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;

/**
 * The sizes and variant of a {@link Seq2Seq} model, as stored in {@code config.json}
 * ({@code "architecture": "seq2seq"}).
 *
 * @param cell            rnn_tanh, rnn_relu, lstm or gru, for encoder and decoder
 * @param attention       how the decoder sees the source (see {@link Attention})
 * @param sourceVocab     V_s
 * @param targetVocab     V_t
 * @param embeddingSize   E, for both embeddings
 * @param hiddenSize      H, per direction in the encoder and in the decoder
 * @param numLayers       L, in the encoder and in the decoder
 * @param bidirectional   the encoder reads both ways (D = 2); its final states are bridged to H
 * @param dropout         on the embeddings and between layers, in [0, 1)
 * @param maxLength       the longest source accepted and the longest output generated, in tokens
 * @param deepOutput      context and bahdanau: logits from [s_t; c_t; e_t] (Cho et al., Bahdanau et al.);
 *                        false: from s_t alone (as torch_bench.py's W4). No effect on none and luong-*
 */
public record Seq2SeqConfig(CellType cell, Attention attention, int sourceVocab, int targetVocab, int embeddingSize,
                            int hiddenSize, int numLayers, boolean bidirectional, float dropout, int maxLength,
                            boolean deepOutput) implements ModelConfig {

    /** A config with the deep output layer of the papers. */
    public Seq2SeqConfig(CellType cell, Attention attention, int sourceVocab, int targetVocab, int embeddingSize,
                         int hiddenSize, int numLayers, boolean bidirectional, float dropout, int maxLength) {
        this(cell, attention, sourceVocab, targetVocab, embeddingSize, hiddenSize, numLayers, bidirectional, dropout, maxLength, true);
    }

    public static final String ARCHITECTURE = "seq2seq";

    /** The decoder variants. */
    public enum Attention {
        /** Sutskever et al. 2014: the encoder's final state starts the decoder; nothing else passes. */
        NONE("none"),
        /** Cho et al. 2014: the context vector also enters every decoder step and the output layer. */
        CONTEXT("context"),
        /** Bahdanau et al. 2014: additive attention with the previous decoder state as query. */
        BAHDANAU("bahdanau"),
        /** Luong et al. 2015, dot score, with input feeding. */
        LUONG_DOT("luong-dot"),
        /** Luong et al. 2015, general score. */
        LUONG_GENERAL("luong-general"),
        /** Luong et al. 2015, concat score. */
        LUONG_CONCAT("luong-concat");

        public static final String IDS = "none, context, bahdanau, luong-dot, luong-general, luong-concat";

        private final String id;

        Attention(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public boolean luong() {
            return this == LUONG_DOT || this == LUONG_GENERAL || this == LUONG_CONCAT;
        }

        /** Whether the decoder attends over the encoder states (and so has attention weights). */
        public boolean attends() {
            return this == BAHDANAU || luong();
        }

        public static Attention fromId(String id) {
            for (Attention a : values()) {
                if (a.id.equals(id)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown attention '" + id + "'; expected one of " + IDS);
        }
    }

    public Seq2SeqConfig {
        if (cell == null || attention == null) {
            throw new IllegalArgumentException("cell and attention must be given");
        }
        if (sourceVocab <= 4 || targetVocab <= 4) {
            throw new IllegalArgumentException("vocabularies must hold more than the 4 special tokens, got source "
                    + sourceVocab + " and target " + targetVocab);
        }
        if (embeddingSize <= 0 || hiddenSize <= 0 || numLayers <= 0) {
            throw new IllegalArgumentException("embedding_size, hidden_size and num_layers must be > 0, got "
                    + embeddingSize + ", " + hiddenSize + ", " + numLayers);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("max_length must be >= 1, got " + maxLength);
        }
        if (attention == Attention.LUONG_DOT && bidirectional) {
            throw new IllegalArgumentException("luong-dot scores the decoder state (size H) against encoder states of size 2H "
                    + "when the encoder is bidirectional; use luong-general or a unidirectional encoder");
        }
    }

    /** Whether the output layer reads [s_t; c_t; e_t] rather than s_t alone. */
    public boolean readsContext() {
        return deepOutput && (attention == Attention.CONTEXT || attention == Attention.BAHDANAU);
    }

    /** D·H, the size of an encoder state at each source position. */
    public int encoderStateSize() {
        return (bidirectional ? 2 : 1) * hiddenSize;
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public Capability capability() {
        return Capability.TRANSLATES;
    }

    @Override
    public Seq2Seq build(Rng rng) {
        return new Seq2Seq(this, rng);
    }

    @Override
    public Footprint footprint(int batch, int length) {
        return Seq2Seq.footprint(this, batch, length, length);
    }

    @Override
    public int contextLength() {
        return maxLength;
    }

    @Override
    public String contextField() {
        return "max_length";
    }

    @Override
    public Seq2SeqConfig withDropout(float p) {
        return new Seq2SeqConfig(cell, attention, sourceVocab, targetVocab, embeddingSize, hiddenSize, numLayers, bidirectional, p,
                maxLength, deepOutput);
    }

    @Override
    public String sizeFields() {
        return "the vocabulary sizes, hidden_size, num_layers";
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", ARCHITECTURE);
        m.put("cell", cell.id());
        m.put("attention", attention.id());
        m.put("source_vocab_size", sourceVocab);
        m.put("target_vocab_size", targetVocab);
        m.put("embedding_size", embeddingSize);
        m.put("hidden_size", hiddenSize);
        m.put("num_layers", numLayers);
        m.put("bidirectional", bidirectional);
        m.put("dropout", Json.decimal(dropout));
        m.put("max_length", maxLength);
        m.put("deep_output", deepOutput);
        return m;
    }

    public static Seq2SeqConfig fromJson(JsonFields j) {
        String arch = j.string("architecture");
        if (!arch.equals(ARCHITECTURE)) {
            throw new FormatException(j.where() + ": field \"architecture\" is \"" + arch + "\", expected \"" + ARCHITECTURE + "\"");
        }
        try {
            return new Seq2SeqConfig(CellType.fromId(j.string("cell")), Attention.fromId(j.string("attention")),
                    j.integer("source_vocab_size", 5), j.integer("target_vocab_size", 5), j.integer("embedding_size", 1),
                    j.integer("hidden_size", 1), j.integer("num_layers", 1), j.bool("bidirectional"),
                    (float) j.number("dropout", 0, 0.999999), j.integer("max_length", 1),
                    j.bool("deep_output", true));
        } catch (FormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FormatException(j.where() + ": " + e.getMessage());
        }
    }
}
