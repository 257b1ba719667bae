package seqlab.model;

import seqlab.data.Seq2SeqBatch;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * A model that turns a source sequence into a target one (an encoder–decoder: {@link Seq2Seq},
 * {@link Transformer}): what training, evaluation and decoding need of it, whatever it is inside.
 * Ids are the {@link seqlab.text.PairTokenizer}'s: targets start with {@code <bos>} and end with
 * {@code <eos>}, {@code <pad>} after.
 */
public interface TranslationModel {

    /** The model as a module (its parameters, training mode, inference). */
    Module module();

    ModelConfig config();

    int sourceVocab();

    int targetVocab();

    /** The longest source accepted and the longest output generated, in tokens. */
    int maxLength();

    /** The config.json field that holds {@link #maxLength()}, for messages. */
    String maxLengthField();

    /** Whether decoding gives attention weights over the source (for maps). */
    boolean attends();

    /** Layers whose attention over the source a decoding step gives (their heads side by side, layer-major); 1 for an RNN's. */
    int attentionLayers();

    /** The kind of attention over the source, for titles and messages (bahdanau, none, cross-attention of layer 2, …). */
    String attentionName();

    /**
     * The mean training loss of a batch (padding ignored): cross-entropy, label-smoothed by ε.
     *
     * @param teacherForcing the probability that a decoder step reads the true previous token
     *                       (models that decode all positions in parallel accept 1 only)
     * @param labelSmoothing ε in [0, 1], as PyTorch's {@code label_smoothing}
     */
    Tensor loss(Seq2SeqBatch b, double teacherForcing, float labelSmoothing, Rng tfRng, Rng rng);

    /** The mean cross-entropy of a batch, without label smoothing. */
    default Tensor loss(Seq2SeqBatch b, double teacherForcing, Rng tfRng, Rng rng) {
        return loss(b, teacherForcing, 0f, tfRng, rng);
    }

    /** Teacher-forced logits (B, T, V_t) of a batch. */
    Tensor logits(Seq2SeqBatch b, Rng rng);

    /**
     * Encodes a padded batch of sources, (B, S) ids row-major with each row's real length, for
     * decoding; {@code weights}: whether steps should give the attention weights (models whose
     * weights cost extra compute them only then).
     */
    Decoding decode(int[] source, int batch, int length, int[] lengths, boolean weights, Rng rng);

    /**
     * The decoder's state for n rows (a batch of sources, or a beam's hypotheses) between steps.
     * A step advances it in place; {@link #rows} gives a new state of the chosen rows.
     */
    interface Decoding {

        /** Logits (n, V_t) of each row's next token, and its attention over the source, (n, heads·S) head-major, or null. */
        record Step(Tensor logits, float[] weights) {}

        /** One step from each row's last token. */
        Step step(int[] tokens, Rng rng);

        /** The state of the given rows, in order (a row may repeat); this decoding is spent by the call (its caches may be reordered in place). */
        Decoding rows(int[] rows);

        /** S, the padded source length that attention weights span. */
        int sourceLength();

        /** Heads whose weights a step gives (1 for an RNN's attention). */
        int heads();
    }
}
