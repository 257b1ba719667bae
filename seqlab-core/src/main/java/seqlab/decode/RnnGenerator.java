package seqlab.decode;

import java.util.function.IntConsumer;

import seqlab.model.RnnLanguageModel;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

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
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty; give at least one token to start from");
        }
        if (count < 0) {
            throw new IllegalArgumentException("number of tokens must be >= 0, got " + count);
        }
        return model.inference(() -> {
            int v = model.config().vocabSize();
            int[] out = new int[count];
            RnnLanguageModel.Output o = model.forward(prompt, 1, prompt.length, null, null, rng);
            Tensor h = o.h();
            Tensor c = o.c();
            float[] logits = o.logits().data();
            int off = (prompt.length - 1) * v;
            for (int i = 0; i < count; i++) {
                int next = Sampler.sample(logits, off, v, cfg, rng);
                out[i] = next;
                if (onToken != null) {
                    onToken.accept(next);
                }
                if (i + 1 < count) {
                    o = model.forward(new int[] {next}, 1, 1, h, c, rng);
                    h = o.h();
                    c = o.c();
                    logits = o.logits().data();
                    off = 0;
                }
            }
            return out;
        });
    }
}
