package seqlab.decode;

import java.util.function.IntConsumer;

import seqlab.model.RnnLanguageModel;
import seqlab.tensor.Rng;

/**
 * Generation from a recurrent language model: the prompt is read in one forward pass, then each
 * new token is fed back one step at a time, carrying the recurrent state (no recomputation).
 */
public final class RnnGenerator {

    private RnnGenerator() {}

    /**
     * @param prompt  at least one token id
     * @param count   new tokens to generate
     * @param onToken receives each new token as it is chosen (for streaming output)
     * @return the new tokens
     */
    public static int[] generate(RnnLanguageModel model, int[] prompt, int count, SamplingConfig cfg, Rng rng,
                                 IntConsumer onToken) {
        int[] out = new int[count];
        int[] n = {0};
        stream(model, prompt, count, cfg, rng, id -> {
            out[n[0]++] = id;
            if (onToken != null) {
                onToken.accept(id);
            }
            return true;
        });
        return out;
    }

    /** What {@link #stream} hands each new token to; false stops the generation (the reader has gone). */
    @FunctionalInterface
    public interface TokenSink {
        boolean accept(int id);
    }

    /**
     * Generates up to {@code count} tokens, handing each to {@code sink} as it is chosen and keeping
     * none: memory does not grow with the count. Stops early when the sink returns false.
     *
     * @return how many tokens were generated
     */
    public static long stream(RnnLanguageModel model, int[] prompt, long count, SamplingConfig cfg, Rng rng, TokenSink sink) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty; give at least one token to start from");
        }
        if (count < 0) {
            throw new IllegalArgumentException("number of tokens must be >= 0, got " + count);
        }
        return model.inference(() -> {
            int v = model.config().vocabSize();
            RnnLanguageModel.Output o = model.forward(prompt, 1, prompt.length, null, null, rng);
            float[] logits = o.logits().data();
            int off = (prompt.length - 1) * v;
            for (long i = 0; i < count; i++) {
                int next = Sampler.sample(logits, off, v, cfg, rng);
                if (!sink.accept(next)) {
                    return i + 1;
                }
                if (i + 1 < count) {
                    o = model.forward(new int[] {next}, 1, 1, o.h(), o.c(), rng);
                    logits = o.logits().data();
                    off = 0;
                }
            }
            return count;
        });
    }
}
