package seqlab.decode;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

import seqlab.model.LanguageModel;
import seqlab.tensor.Rng;

/**
 * Generation from any language model: the prompt is read in one pass, then each new token is fed
 * back one step at a time through the model's own state (a recurrent state, a Transformer's key/value
 * cache), so nothing is recomputed.
 */
public final class Generator {

    private Generator() {}

    /**
     * @param prompt  at least one token id
     * @param count   new tokens to generate
     * @param onToken receives each new token as it is chosen (for streaming output)
     * @return the new tokens
     */
    public static int[] generate(LanguageModel model, int[] prompt, int count, SamplingConfig cfg, Rng rng, IntConsumer onToken) {
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
    public static long stream(LanguageModel model, int[] prompt, long count, SamplingConfig cfg, Rng rng, TokenSink sink) {
        return stream(model, prompt, count, model.vocabSize(), cfg, rng, sink);
    }

    /**
     * {@link #stream(LanguageModel, int[], long, SamplingConfig, Rng, TokenSink)} choosing among the
     * first {@code tokens} ids only: a model may have more output rows than its tokenizer has tokens
     * (nanoGPT pads GPT-2's 50,257 to 50,304), and an id past the tokenizer cannot be printed.
     */
    public static long stream(LanguageModel model, int[] prompt, long count, int tokens, SamplingConfig cfg, Rng rng, TokenSink sink) {
        requireTokens(model, tokens);
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty; give at least one token to start from");
        }
        if (count < 0) {
            throw new IllegalArgumentException("number of tokens must be >= 0, got " + count);
        }
        int v = model.vocabSize();
        LanguageModel.Generation g = model.generate(new int[][] {prompt}, (int) Math.min(count, Integer.MAX_VALUE), rng);
        int[] next = new int[1];
        boolean[] seen = seen(prompt, v, cfg);
        for (long i = 0; i < count; i++) {
            next[0] = sample(g.logits(), 0, tokens, cfg, seen, rng);
            if (seen != null) {
                seen[next[0]] = true;
            }
            if (!sink.accept(next[0])) {
                return i + 1;
            }
            if (i + 1 < count) {
                g.step(next, rng);
            }
        }
        return count;
    }

    /**
     * Continues several prompts at once (one batch, left-padded where the model needs it), each by up
     * to {@code count} tokens; a row ends after the first of {@code stop} it draws (kept in its output).
     *
     * @return each row's new tokens
     */
    public static int[][] generate(LanguageModel model, int[][] prompts, int count, SamplingConfig cfg, int[] stop, Rng rng) {
        return generate(model, prompts, count, model.vocabSize(), cfg, stop, rng);
    }

    /** {@link #generate(LanguageModel, int[][], int, SamplingConfig, int[], Rng)} choosing among the first {@code tokens} ids only. */
    public static int[][] generate(LanguageModel model, int[][] prompts, int count, int tokens, SamplingConfig cfg, int[] stop, Rng rng) {
        requireTokens(model, tokens);
        if (count < 0) {
            throw new IllegalArgumentException("number of tokens must be >= 0, got " + count);
        }
        int n = prompts.length;
        int v = model.vocabSize();
        LanguageModel.Generation g = model.generate(prompts, count, rng);
        int[][] out = new int[n][count];
        int[] lengths = new int[n];
        boolean[] done = new boolean[n];
        int[] next = new int[n];
        boolean[][] seen = new boolean[n][];
        for (int r = 0; r < n; r++) {
            seen[r] = seen(prompts[r], v, cfg);
        }
        for (int i = 0; i < count; i++) {
            boolean all = true;
            for (int r = 0; r < n; r++) {
                next[r] = done[r] ? next[r] : sample(g.logits(), r * v, tokens, cfg, seen[r], rng);
                if (!done[r]) {
                    if (seen[r] != null) {
                        seen[r][next[r]] = true;
                    }
                    out[r][lengths[r]++] = next[r];
                    done[r] = contains(stop, next[r]);
                }
                all &= done[r];
            }
            if (all) {
                break;
            }
            if (i + 1 < count) {
                g.step(next, rng);
            }
        }
        for (int r = 0; r < n; r++) {
            out[r] = Arrays.copyOf(out[r], lengths[r]);
        }
        return out;
    }

    /**
     * Beam search of width W continuing one prompt by up to {@code count} tokens through the model's
     * own state (its rows reordered as the beam moves): {@link BeamSearch}, score log p / length^α; a
     * hypothesis ends at {@code eos} (kept) or at the length.
     *
     * @return the hypotheses, best first, at most W; their tokens are the new ones
     */
    public static List<BeamSearch.Hypothesis<Integer>> beam(LanguageModel model, int[] prompt, int count, int width, double alpha,
                                                            int eos) {
        return beam(model, prompt, count, model.vocabSize(), width, alpha, eos);
    }

    /**
     * {@link #beam(LanguageModel, int[], int, int, double, int)} over the first {@code tokens} ids
     * only, their log-probabilities normalised among themselves (as sampling among them is).
     */
    public static List<BeamSearch.Hypothesis<Integer>> beam(LanguageModel model, int[] prompt, int count, int tokens, int width,
                                                            double alpha, int eos) {
        requireTokens(model, tokens);
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty; give at least one token to start from");
        }
        if (count < 1) {
            throw new IllegalArgumentException("beam search needs at least 1 new token, got " + count);
        }
        int v = model.vocabSize();
        Rng rng = new Rng(0);
        return model.module().inference(() -> {
            LanguageModel.Generation start = model.generate(new int[][] {prompt}, count, rng);
            StepDecoder<Integer> decoder = new StepDecoder<>() {
                private LanguageModel.Generation g = start;        // row i: the hypothesis whose state is i
                private boolean fresh = true;                       // the prompt's own logits come first

                @Override
                public Step<Integer> step(List<Integer> rows, int[] last) {
                    int n = rows.size();
                    if (!fresh) {
                        int[] picked = new int[n];
                        boolean same = n == g.size();
                        for (int i = 0; i < n; i++) {
                            picked[i] = rows.get(i);
                            same &= picked[i] == i;
                        }
                        if (!same) {
                            g = g.rows(picked);
                        }
                        g.step(last, rng);
                    }
                    fresh = false;
                    float[] logProbs = new float[n * v];
                    for (int i = 0; i < n; i++) {                         // over each row's first `tokens` ids; the rest never chosen
                        seqlab.kernel.Softmax.logSoftmax(1, tokens, g.logits(), i * v, logProbs, i * v, false);
                        Arrays.fill(logProbs, i * v + tokens, (i + 1) * v, Float.NEGATIVE_INFINITY);
                    }
                    List<Integer> next = new java.util.ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        next.add(i);
                    }
                    return new Step<>(logProbs, next);
                }

                @Override
                public int vocabSize() {
                    return v;
                }
            };
            return BeamSearch.search(decoder, 0, prompt[prompt.length - 1], eos, width, count, alpha);
        });
    }

    private static void requireTokens(LanguageModel model, int tokens) {
        if (tokens < 1 || tokens > model.vocabSize()) {
            throw new IllegalArgumentException("tokens to choose from must be in [1, " + model.vocabSize() + "], got " + tokens);
        }
    }

    /** The tokens a repetition penalty looks at (those of the prompt, then each one chosen), or null without one. */
    private static boolean[] seen(int[] prompt, int v, SamplingConfig cfg) {
        if (cfg.repetitionPenalty() == 1f) {
            return null;
        }
        boolean[] seen = new boolean[v];
        for (int id : prompt) {
            seen[id] = true;
        }
        return seen;
    }

    /** A token from logits [off, off + v), after the repetition penalty on a copy of the row when there is one. */
    private static int sample(float[] logits, int off, int v, SamplingConfig cfg, boolean[] seen, Rng rng) {
        if (seen == null) {
            return Sampler.sample(logits, off, v, cfg, rng);
        }
        float[] row = java.util.Arrays.copyOfRange(logits, off, off + v);
        cfg.penalise(row, 0, v, seen);
        return Sampler.sample(row, 0, v, cfg, rng);
    }

    private static boolean contains(int[] ids, int id) {
        if (ids == null) {
            return false;
        }
        for (int s : ids) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }
}
