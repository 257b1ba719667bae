package seqlab.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import seqlab.kernel.Softmax;
import seqlab.model.TranslationModel;
import seqlab.tensor.Rng;
import seqlab.text.Vocabulary;

/**
 * Decoding with any {@link TranslationModel}: greedy or sampled for a batch of sources at once
 * (every row steps together until each has emitted {@code <eos>} or reached the length limit), and
 * beam search, the open hypotheses of all sources decoded as one batch.
 */
public final class Translator {

    /**
     * Output tokens (without {@code <bos>}, with {@code <eos>} if it was emitted) and, for models
     * that attend, one row of weights per output token: {@code heads} blocks of the source's
     * length, head-major (one block for an RNN's attention).
     */
    public record Translation(int[] tokens, float[][] attention, int heads) {

        /** Head h's weights, one row per output token. */
        public float[][] head(int h) {
            int s = attention[0].length / heads;
            float[][] out = new float[attention.length][];
            for (int t = 0; t < out.length; t++) {
                out[t] = Arrays.copyOfRange(attention[t], h * s, (h + 1) * s);
            }
            return out;
        }
    }

    private final TranslationModel model;
    private final boolean attention;

    /** Decoding that records the attention weights (for models that attend). */
    public Translator(TranslationModel model) {
        this(model, true);
    }

    /** {@code attention} false: no weights recorded, so models whose weights cost extra (the Transformer's) skip them. */
    public Translator(TranslationModel model, boolean attention) {
        this.model = model;
        this.attention = attention;
    }

    private boolean records() {
        return attention && model.attends();
    }

    /** Sources (ids ending in {@code <eos>}) decoded greedily or by sampling, all as one batch. */
    public List<Translation> decode(List<int[]> sources, int maxLength, SamplingConfig sampling, Rng rng) {
        checkLength(maxLength);
        int n = sources.size();
        if (n == 0) {
            return List.of();
        }
        return model.module().inference(() -> {
            TranslationModel.Decoding dec = encode(sources);
            int v = model.targetVocab();
            int[] tokens = new int[n];
            Arrays.fill(tokens, Vocabulary.BOS);
            List<List<Integer>> out = new ArrayList<>();
            List<List<float[]>> att = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                out.add(new ArrayList<>());
                att.add(new ArrayList<>());
            }
            boolean[] done = new boolean[n];
            int s = dec.sourceLength();
            int heads = dec.heads();
            for (int t = 0; t < maxLength && !allTrue(done); t++) {
                TranslationModel.Decoding.Step step = dec.step(tokens, rng);
                float[] logits = step.logits().data();
                for (int r = 0; r < n; r++) {
                    if (done[r]) {
                        tokens[r] = Vocabulary.PAD;
                        continue;
                    }
                    int next = sampling.isGreedy() ? Sampler.argmax(logits, r * v, v) : Sampler.sample(logits, r * v, v, sampling, rng);
                    out.get(r).add(next);
                    if (step.weights() != null) {
                        att.get(r).add(weightsOf(step.weights(), r, heads, s, sources.get(r).length));
                    }
                    tokens[r] = next;
                    done[r] = next == Vocabulary.EOS;
                }
            }
            List<Translation> result = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                result.add(new Translation(out.get(r).stream().mapToInt(Integer::intValue).toArray(),
                        records() ? att.get(r).toArray(new float[0][]) : null, heads));
            }
            return result;
        });
    }

    /** A hypothesis in the beam: its source, its row in the decoder state of its step, the weights that produced its last token. */
    private record Hyp(int source, int row, float[] weights, Hyp parent) {}

    /**
     * Beam search for one source; the best hypotheses first (see {@link BeamSearch}).
     *
     * @param alpha length normalisation: score = log p / length^α
     */
    public List<Translation> beam(int[] source, int width, int maxLength, double alpha) {
        return beam(List.of(source), width, maxLength, alpha).get(0);
    }

    /**
     * Beam search for several sources at once: one encoder pass, then every decoder step runs the
     * open hypotheses of all sources as one batch; each source's result is the same as alone.
     *
     * @return per source, its best hypotheses first
     */
    public List<List<Translation>> beam(List<int[]> sources, int width, int maxLength, double alpha) {
        checkLength(maxLength);
        if (width < 1) {
            throw new IllegalArgumentException("beam width must be >= 1, got " + width);
        }
        if (sources.isEmpty()) {
            return List.of();
        }
        return model.module().inference(() -> {
            TranslationModel.Decoding enc = encode(sources);
            int v = model.targetVocab();
            int s = enc.sourceLength();
            int heads = enc.heads();
            Rng rng = new Rng(0);
            List<Hyp> initials = new ArrayList<>();
            for (int r = 0; r < sources.size(); r++) {
                initials.add(new Hyp(r, r, null, null));
            }
            StepDecoder<Hyp> decoder = new StepDecoder<>() {
                private TranslationModel.Decoding state = enc;       // one row per hypothesis of the last step
                private int stateRows = sources.size();

                @Override
                public Step<Hyp> step(List<Hyp> hyps, int[] lastTokens) {
                    int n = hyps.size();
                    int[] rows = new int[n];
                    boolean same = n == stateRows;
                    for (int i = 0; i < n; i++) {
                        rows[i] = hyps.get(i).row();
                        same &= rows[i] == i;
                    }
                    if (!same) {
                        state = state.rows(rows);                        // the surviving hypotheses' rows, in order
                    }
                    stateRows = n;
                    TranslationModel.Decoding.Step step = state.step(lastTokens, rng);
                    float[] logProbs = new float[n * v];
                    Softmax.logSoftmax(n, v, step.logits().data(), 0, logProbs, 0, false);
                    List<Hyp> next = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        Hyp h = hyps.get(i);
                        next.add(new Hyp(h.source(), i, step.weights() == null ? null
                                : weightsOf(step.weights(), i, heads, s, sources.get(h.source()).length), h));
                    }
                    return new Step<>(logProbs, next);
                }

                @Override
                public int vocabSize() {
                    return v;
                }
            };
            List<List<Translation>> out = new ArrayList<>();
            for (List<BeamSearch.Hypothesis<Hyp>> found
                    : BeamSearch.search(decoder, initials, Vocabulary.BOS, Vocabulary.EOS, width, maxLength, alpha)) {
                List<Translation> ts = new ArrayList<>();
                for (BeamSearch.Hypothesis<Hyp> h : found) {
                    float[][] att = null;
                    if (records()) {
                        att = new float[h.tokens().length][];
                        Hyp x = h.state();
                        for (int t = att.length - 1; t >= 0; t--, x = x.parent()) {
                            att[t] = x.weights();
                        }
                    }
                    ts.add(new Translation(h.tokens(), att, heads));
                }
                out.add(ts);
            }
            return out;
        });
    }

    /** Encodes sources as one padded batch. */
    private TranslationModel.Decoding encode(List<int[]> sources) {
        int n = sources.size();
        int s = 0;
        for (int[] src : sources) {
            if (src.length == 0) {
                throw new IllegalArgumentException("a source is empty; it must hold at least <eos>");
            }
            s = Math.max(s, src.length);
        }
        int[] ids = new int[n * s];
        int[] lengths = new int[n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(sources.get(r), 0, ids, r * s, sources.get(r).length);
            lengths[r] = sources.get(r).length;
        }
        return model.decode(ids, n, s, lengths, records(), new Rng(0));
    }

    /** Row r's weights over its own source (the first {@code len} of S positions), for each head. */
    private static float[] weightsOf(float[] w, int r, int heads, int s, int len) {
        float[] out = new float[heads * len];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(w, (r * heads + h) * s, out, h * len, len);
        }
        return out;
    }

    private static boolean allTrue(boolean[] b) {
        for (boolean x : b) {
            if (!x) {
                return false;
            }
        }
        return true;
    }

    private static void checkLength(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maximum output length must be >= 1, got " + maxLength);
        }
    }
}
