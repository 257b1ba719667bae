package seqlab.model;

import java.util.LinkedHashMap;
import java.util.Map;

import seqlab.io.FormatException;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.nn.transformer.Activation;
import seqlab.nn.transformer.LayerConfig;
import seqlab.nn.transformer.Positional;
import seqlab.nn.attention.RotaryEmbedding;
import seqlab.tensor.Rng;

/**
 * The sizes and variant of a {@link Transformer} translator, as stored in {@code config.json}
 * ({@code "architecture": "transformer"}), by nn.Transformer's own argument names.
 *
 * @param dModel           d_model
 * @param nhead            attention heads (d_model divisible by it)
 * @param numEncoderLayers N
 * @param numDecoderLayers M
 * @param dimFeedforward   the feed-forward layers' inner width
 * @param dropout          on embeddings, attention weights and sublayer outputs, in [0, 1)
 * @param activation       relu or gelu
 * @param normFirst        pre-LN instead of the paper's post-LN
 * @param layerNormEps     ε of every LayerNorm
 * @param srcVocabSize     V_s
 * @param tgtVocabSize     V_t
 * @param positional       sinusoidal, learned, rotary or none
 * @param maxPositions     the longest source accepted and the longest output generated (and, for
 *                         learned positions, the table's rows)
 */
public record TransformerConfig(int dModel, int nhead, int numEncoderLayers, int numDecoderLayers, int dimFeedforward,
                                float dropout, Activation activation, boolean normFirst, float layerNormEps,
                                int srcVocabSize, int tgtVocabSize, Positional positional, int maxPositions) implements ModelConfig {

    public static final String ARCHITECTURE = "transformer";

    /** The longest max_positions accepted: a sequence's attention at that length already costs minutes. */
    public static final int MAX_POSITIONS = 1 << 16;

    public TransformerConfig {
        if (numEncoderLayers < 1 || numDecoderLayers < 1) {
            throw new IllegalArgumentException("num_encoder_layers and num_decoder_layers must be >= 1, got " + numEncoderLayers
                    + " and " + numDecoderLayers);
        }
        if (srcVocabSize < 5 || tgtVocabSize < 5) {
            throw new IllegalArgumentException("src_vocab_size and tgt_vocab_size must be >= 5 (the four special tokens and a word), got "
                    + srcVocabSize + " and " + tgtVocabSize);
        }
        if (positional == null) {
            throw new IllegalArgumentException("positional must be one of " + Positional.IDS);
        }
        if (maxPositions < 2 || maxPositions > MAX_POSITIONS) {
            throw new IllegalArgumentException("max_positions must be in [2, " + MAX_POSITIONS + "], got " + maxPositions);
        }
        layer(dModel, nhead, dimFeedforward, dropout, activation, normFirst, layerNormEps, positional);    // validates the rest
    }

    private static LayerConfig layer(int dModel, int nhead, int ffn, float dropout, Activation act, boolean normFirst, float eps,
                                     Positional positional) {
        return new LayerConfig(dModel, nhead, ffn, dropout, act, normFirst, eps,
                positional == Positional.ROTARY ? RotaryEmbedding.DEFAULT : null);
    }

    /** The configuration every layer shares. */
    public LayerConfig layer() {
        return layer(dModel, nhead, dimFeedforward, dropout, activation, normFirst, layerNormEps, positional);
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
    public Transformer build(Rng rng) {
        return new Transformer(this, rng);
    }

    @Override
    public Footprint footprint(int batch, int length) {
        return Transformer.footprint(this, batch, length, length);
    }

    @Override
    public int contextLength() {
        return maxPositions;
    }

    @Override
    public String contextField() {
        return "max_positions";
    }

    @Override
    public TransformerConfig withDropout(float p) {
        return new TransformerConfig(dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward, p, activation, normFirst,
                layerNormEps, srcVocabSize, tgtVocabSize, positional, maxPositions);
    }

    @Override
    public String sizeFields() {
        return "the vocabulary sizes, d_model, dim_feedforward, the layer counts";
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", ARCHITECTURE);
        m.put("d_model", dModel);
        m.put("nhead", nhead);
        m.put("num_encoder_layers", numEncoderLayers);
        m.put("num_decoder_layers", numDecoderLayers);
        m.put("dim_feedforward", dimFeedforward);
        m.put("dropout", Json.decimal(dropout));
        m.put("activation", activation.id());
        m.put("norm_first", normFirst);
        m.put("layer_norm_eps", Json.decimal(layerNormEps));
        m.put("src_vocab_size", srcVocabSize);
        m.put("tgt_vocab_size", tgtVocabSize);
        m.put("positional", positional.id());
        m.put("max_positions", maxPositions);
        return m;
    }

    public static TransformerConfig fromJson(JsonFields j) {
        String arch = j.string("architecture");
        if (!arch.equals(ARCHITECTURE)) {
            throw new FormatException(j.where() + ": field \"architecture\" is \"" + arch + "\", expected \"" + ARCHITECTURE + "\"");
        }
        try {
            return new TransformerConfig(j.integer("d_model", 1), j.integer("nhead", 1), j.integer("num_encoder_layers", 1),
                    j.integer("num_decoder_layers", 1), j.integer("dim_feedforward", 1), (float) j.number("dropout", 0, 0.999999),
                    Activation.fromId(j.string("activation")), j.bool("norm_first"), (float) j.number("layer_norm_eps", 1e-12, 1),
                    j.integer("src_vocab_size", 5), j.integer("tgt_vocab_size", 5), Positional.fromId(j.string("positional")),
                    j.integer("max_positions", 2));
        } catch (FormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FormatException(j.where() + ": " + e.getMessage());
        }
    }
}
