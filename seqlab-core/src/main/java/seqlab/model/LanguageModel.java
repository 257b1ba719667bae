package seqlab.model;

import java.util.List;
import java.util.Map;

import seqlab.io.Safetensors;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * A model that continues a sequence of tokens ({@link RnnLanguageModel}, {@link Gpt}): what training,
 * evaluation and generation need of it, whatever it is inside.
 */
public interface LanguageModel {

    /** The model as a module (its parameters, training mode, inference). */
    Module module();

    ModelConfig config();

    int vocabSize();

    /** The most tokens the model reads at once (a Transformer's context window), or {@link Integer#MAX_VALUE}. */
    default int contextLength() {
        return config().contextLength();
    }

    /** The config.json field that holds {@link #contextLength()}, for messages; null when there is no limit. */
    default String contextField() {
        return config().contextField();
    }

    /** The id that ends a text (GPT-2's eos_token_id), or null when the model has none. */
    default Integer eosTokenId() {
        return null;
    }

    /** Logits (B, T, V) of every position of (B, T) ids. */
    Tensor logits(int[] ids, int batch, int time, Rng rng);

    /** Mean next-token cross-entropy of (B, T) inputs against (B, T) targets (ignore index −100). */
    Tensor loss(int[] ids, int[] targets, int batch, int time, Rng rng);

    /**
     * A reader of one long text, window after window: what the model can carry from a window into
     * the next (a recurrent state) it carries; a Transformer reads each window afresh.
     */
    Reader reader();

    /** See {@link #reader()}. */
    interface Reader {
        /** Logits (T, V) of a window of T ids, T at most the context length. */
        Tensor next(int[] ids, Rng rng);
    }

    /**
     * Reads the prompts, one per row (each at least one token), for generating up to
     * {@code newTokens} more in each; batched rows of unequal length are left-padded, and padding
     * is invisible to the model.
     */
    Generation generate(int[][] prompts, int newTokens, Rng rng);

    /** The state of generation for n rows; a step advances it in place. */
    interface Generation {

        /** Logits (n, V) of each row's next token. */
        float[] logits();

        /** Appends one token to each row. */
        void step(int[] tokens, Rng rng);

        /**
         * The state of the given rows, in order (a row may repeat): beam search's reordering. This
         * generation is spent by the call (its caches may be reordered in place and handed on).
         */
        Generation rows(int[] rows);

        /** Rows. */
        int size();
    }

    /** The weights under the names and layouts the architecture's files use. */
    Map<String, Safetensors.Entry> weights();

    /** Reads the weights from a file of the architecture's names and layouts, checking every name and shape; returns warnings. */
    List<String> loadWeights(Safetensors.File f);
}
