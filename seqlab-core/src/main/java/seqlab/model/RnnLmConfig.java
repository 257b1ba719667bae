package seqlab.model;

import java.util.LinkedHashMap;
import java.util.Map;

import seqlab.io.FormatException;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;

/**
 * The sizes of an {@link RnnLanguageModel}, as stored in {@code config.json}
 * ({@code "architecture": "rnn-lm"}).
 *
 * @param cell          rnn_tanh, rnn_relu, lstm or gru
 * @param vocabSize     V
 * @param embeddingSize E
 * @param hiddenSize    H
 * @param numLayers     L
 * @param dropout       on the embeddings, between layers and before the decoder, in [0, 1)
 * @param tieWeights    decoder.weight is encoder.weight (needs H = E)
 */
public record RnnLmConfig(CellType cell, int vocabSize, int embeddingSize, int hiddenSize, int numLayers,
                          float dropout, boolean tieWeights) implements ModelConfig {

    public static final String ARCHITECTURE = "rnn-lm";

    public RnnLmConfig {
        if (cell == null) {
            throw new IllegalArgumentException("cell must be one of rnn_tanh, rnn_relu, lstm, gru");
        }
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocab_size must be > 0, got " + vocabSize);
        }
        if (embeddingSize <= 0) {
            throw new IllegalArgumentException("embedding_size must be > 0, got " + embeddingSize);
        }
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hidden_size must be > 0, got " + hiddenSize);
        }
        if (numLayers <= 0) {
            throw new IllegalArgumentException("num_layers must be > 0, got " + numLayers);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (tieWeights && hiddenSize != embeddingSize) {
            throw new IllegalArgumentException("tie_weights needs hidden_size == embedding_size, got "
                    + hiddenSize + " and " + embeddingSize);
        }
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
    public RnnLanguageModel build(Rng rng) {
        return new RnnLanguageModel(this, rng);
    }

    @Override
    public Footprint footprint(int batch, int length) {
        return RnnLanguageModel.footprint(this, batch, length);
    }

    @Override
    public int contextLength() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String contextField() {
        return null;
    }

    @Override
    public RnnLmConfig withDropout(float p) {
        return new RnnLmConfig(cell, vocabSize, embeddingSize, hiddenSize, numLayers, p, tieWeights);
    }

    @Override
    public String sizeFields() {
        return "vocab_size, hidden_size, num_layers";
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", ARCHITECTURE);
        m.put("cell", cell.id());
        m.put("vocab_size", vocabSize);
        m.put("embedding_size", embeddingSize);
        m.put("hidden_size", hiddenSize);
        m.put("num_layers", numLayers);
        m.put("dropout", Json.decimal(dropout));
        m.put("tie_weights", tieWeights);
        return m;
    }

    public static RnnLmConfig fromJson(JsonFields j) {
        String arch = j.string("architecture");
        if (!arch.equals(ARCHITECTURE)) {
            throw new FormatException(j.where() + ": field \"architecture\" is \"" + arch + "\", expected \"" + ARCHITECTURE + "\"");
        }
        String cellId = j.string("cell");
        CellType cell;
        try {
            cell = CellType.fromId(cellId);
        } catch (IllegalArgumentException e) {
            throw new FormatException(j.where() + ": field \"cell\" is \"" + cellId + "\", expected one of rnn_tanh, rnn_relu, lstm, gru");
        }
        try {
            return new RnnLmConfig(cell, j.integer("vocab_size", 1), j.integer("embedding_size", 1),
                    j.integer("hidden_size", 1), j.integer("num_layers", 1), (float) j.number("dropout", 0, 0.999999),
                    j.bool("tie_weights"));
        } catch (FormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FormatException(j.where() + ": " + e.getMessage());
        }
    }
}
