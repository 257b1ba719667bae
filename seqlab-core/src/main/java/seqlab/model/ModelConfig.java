package seqlab.model;

import java.util.Map;

import seqlab.io.FormatException;
import seqlab.io.JsonFields;
import seqlab.nn.Module;
import seqlab.tensor.Rng;

/**
 * The configuration of a model, one record per architecture: the one place that knows which
 * architectures exist, what each is called in {@code config.json}, what it can do and how it is
 * built. A new architecture is a new case here and a new model class, not a branch in every command.
 */
public sealed interface ModelConfig permits RnnLmConfig, Seq2SeqConfig, TransformerConfig, GptConfig {

    /** The {@code architecture} field of {@code config.json}. */
    String architecture();

    /** What a model of this config can do. */
    Capability capability();

    /** The {@code config.json} form, {@code architecture} first. */
    Map<String, Object> toJson();

    /** A freshly initialised model of this config. */
    Module build(Rng rng);

    /** The sizes of the model's weights alone (no activations, a batch of one token), to check before building it. */
    default Footprint weightsFootprint() {
        return footprint(1, 1);
    }

    /** What training needs on batches of B sequences of up to L tokens (a translator: L source and L target tokens each), before building it. */
    Footprint footprint(int batch, int length);

    /** The most tokens a sequence may have (a Transformer's window, a seq2seq model's longest source), or {@link Integer#MAX_VALUE}. */
    int contextLength();

    /** The config.json field that holds {@link #contextLength()}, or null when there is no limit. */
    String contextField();

    /** The same architecture and sizes with every dropout probability set to p (fine-tuning). */
    ModelConfig withDropout(float p);

    /** The config.json fields that set the model's size, for a message asking for smaller ones. */
    String sizeFields();

    /** The architectures this version reads, for messages. */
    String SUPPORTED = RnnLmConfig.ARCHITECTURE + ", " + Seq2SeqConfig.ARCHITECTURE + ", " + TransformerConfig.ARCHITECTURE + ", "
            + GptConfig.ARCHITECTURE;

    /**
     * The config a {@code config.json} (or a checkpoint's copy of it) describes, by its
     * {@code architecture}; or a Hugging Face {@code config.json}, by its {@code model_type}.
     */
    static ModelConfig fromJson(JsonFields j) {
        if (seqlab.model.hf.Gpt2Config.isHuggingFace(j)) {
            return seqlab.model.hf.Gpt2Config.fromJson(j);
        }
        String arch = j.string("architecture");
        return switch (arch) {
            case RnnLmConfig.ARCHITECTURE -> RnnLmConfig.fromJson(j);
            case Seq2SeqConfig.ARCHITECTURE -> Seq2SeqConfig.fromJson(j);
            case TransformerConfig.ARCHITECTURE -> TransformerConfig.fromJson(j);
            case GptConfig.ARCHITECTURE -> GptConfig.fromJson(j);
            default -> throw new FormatException(j.where() + ": architecture \"" + arch + "\" is not supported by this version "
                    + "(supported: " + SUPPORTED + ")");
        };
    }
}
