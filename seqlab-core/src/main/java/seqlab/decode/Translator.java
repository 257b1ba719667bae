package seqlab.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import seqlab.kernel.Softmax;
import seqlab.model.Seq2Seq;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.text.Vocabulary;

/**
 * Decoding with a {@link Seq2Seq} model: greedy or sampled for a batch of sources at once (every
 * row steps together until each has emitted {@code <eos>} or reached the length limit), and beam
 * search, the open hypotheses of all sources decoded as one batch.
 */
public final class Translator {

    /** Output tokens (without {@code <bos>}, with {@code <eos>} if it was emitted) and, for attention models, one row of weights per output token. */
    public record Translation(int[] tokens, float[][] attention) {}

    private final Seq2Seq model;

    public Translator(Seq2Seq model) {
        this.model = model;
    }

    /** Sources (ids ending in {@code <eos>}) decoded greedily or by sampling, all as one batch. */
    public List<Translation> decode(List<int[]> sources, int maxLength, SamplingConfig sampling, Rng rng) {
        checkLength(maxLength);
        int n = sources.size();
        if (n == 0) {
            return List.of();
        }
        return model.inference(() -> {
            Seq2Seq.Encoded enc = encode(sources);
            int v = model.config().targetVocab();
            int[] tokens = new int[n];
            Arrays.fill(tokens, Vocabulary.BOS);
            List<List<Integer>> out = new ArrayList<>();
            List<List<float[]>> att = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                out.add(new ArrayList<>());
                att.add(new ArrayList<>());
            }
            boolean[] done = new boolean[n];
            Seq2Seq.State state = enc.state();
            int s = enc.memory().length();
            for (int t = 0; t < maxLength && !allTrue(done); t++) {
                Seq2Seq.Step step = model.step(enc.memory(), state, tokens, rng);
                state = step.state();
                float[] logits = step.logits().data();
                for (int r = 0; r < n; r++) {
                    if (done[r]) {
                        tokens[r] = Vocabulary.PAD;
                        continue;
                    }
                    int next = sampling.isGreedy() ? Sampler.argmax(logits, r * v, v) : Sampler.sample(logits, r * v, v, sampling, rng);
                    out.get(r).add(next);
                    if (step.weights() != null) {
                        att.get(r).add(Arrays.copyOfRange(step.weights().data(), r * s, r * s + sources.get(r).length));
                    }
                    tokens[r] = next;
                    done[r] = next == Vocabulary.EOS;
                }
            }
            List<Translation> result = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                result.add(new Translation(out.get(r).stream().mapToInt(Integer::intValue).toArray(),
                        model.config().attention().attends() ? att.get(r).toArray(new float[0][]) : null));
            }
            return result;
        });
    }

    /**
     * A hypothesis' decoder state in the beam: its source (index in the batch), h, c (L·H each),
     * Luong's h̃ (H) and the attention row that produced its last token.
     */
    private record Hyp(int source, float[] h, float[] c, float[] feed, float[] weights, Hyp parent) {}

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
        return model.inference(() -> {
            Seq2Seq.Encoded enc = encode(sources);
            int layers = model.config().numLayers();
            int hidden = model.config().hiddenSize();
            int v = model.config().targetVocab();
            int s = enc.memory().length();
            Rng rng = new Rng(0);
            int b = sources.size();
            Seq2Seq.State st0 = enc.state();
            List<Hyp> initials = new ArrayList<>();
            for (int r = 0; r < b; r++) {
                initials.add(new Hyp(r, scatter(st0.h(), r, layers, b, hidden),
                        st0.c() == null ? null : scatter(st0.c(), r, layers, b, hidden),
                        st0.feed() == null ? null : Arrays.copyOfRange(st0.feed().data(), r * hidden, (r + 1) * hidden), null, null));
            }
            StepDecoder<Hyp> decoder = new StepDecoder<>() {
                private int[] memoryRows;                  // the sources of the last step's hypotheses, and their memory:
                private Seq2Seq.Memory memory;             // reused while the beams keep their sizes (most steps)

                @Override
                public Step<Hyp> step(List<Hyp> hyps, int[] lastTokens) {
                    int n = hyps.size();
                    int[] rows = new int[n];
                    for (int i = 0; i < n; i++) {
                        rows[i] = hyps.get(i).source();
                    }
                    if (!Arrays.equals(rows, memoryRows)) {
                        memoryRows = rows;
                        memory = rows(enc.memory(), rows);
                    }
                    Seq2Seq.State st = new Seq2Seq.State(
                            gather(hyps, Hyp::h, layers, n, hidden),
                            st0.c() == null ? null : gather(hyps, Hyp::c, layers, n, hidden),
                            st0.feed() == null ? null : Tensor.of(gather(hyps, Hyp::feed, 1, n, hidden).data(), n, hidden));
                    Seq2Seq.Step step = model.step(memory, st, lastTokens, rng);
                    float[] logProbs = new float[n * v];
                    Softmax.logSoftmax(n, v, step.logits().data(), 0, logProbs, 0, false);
                    List<Hyp> next = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        int len = sources.get(rows[i]).length;
                        next.add(new Hyp(rows[i], scatter(step.state().h(), i, layers, n, hidden),
                                step.state().c() == null ? null : scatter(step.state().c(), i, layers, n, hidden),
                                step.state().feed() == null ? null : Arrays.copyOfRange(step.state().feed().data(), i * hidden, (i + 1) * hidden),
                                step.weights() == null ? null : Arrays.copyOfRange(step.weights().data(), i * s, i * s + len),
                                hyps.get(i)));
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
                    if (model.config().attention().attends()) {
                        att = new float[h.tokens().length][];
                        Hyp x = h.state();
                        for (int t = att.length - 1; t >= 0; t--, x = x.parent()) {
                            att[t] = x.weights();
                        }
                    }
                    ts.add(new Translation(h.tokens(), att));
                }
                out.add(ts);
            }
            return out;
        });
    }

    /** Encodes sources as one padded batch. */
    private Seq2Seq.Encoded encode(List<int[]> sources) {
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
        return model.encode(ids, n, s, lengths, new Rng(0));
    }

    /** The memory of the sources at the given batch rows (one per hypothesis). */
    private static Seq2Seq.Memory rows(Seq2Seq.Memory m, int[] rows) {
        return new Seq2Seq.Memory(rows(m.states(), rows), m.prepared() == null ? null : rows(m.prepared(), rows), m.mask().rows(rows),
                m.context() == null ? null : rows(m.context(), rows), m.decoderWeights());
    }

    /** Rows of t along its first dimension. */
    private static Tensor rows(Tensor t, int[] rows) {
        int row = t.size() / t.dim(0);
        float[] d = new float[rows.length * row];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(t.data(), rows[i] * row, d, i * row, row);
        }
        int[] shape = t.shape().clone();
        shape[0] = rows.length;
        return Tensor.of(d, shape);
    }

    /** Per-hypothesis (L·H) rows → (L, n, H). */
    private static Tensor gather(List<Hyp> hyps, java.util.function.Function<Hyp, float[]> f, int layers, int n, int hidden) {
        float[] d = new float[layers * n * hidden];
        for (int i = 0; i < n; i++) {
            float[] src = f.apply(hyps.get(i));
            for (int l = 0; l < layers; l++) {
                System.arraycopy(src, l * hidden, d, (l * n + i) * hidden, hidden);
            }
        }
        return Tensor.of(d, layers, n, hidden);
    }

    /** (L, n, H) → hypothesis i's (L·H) row. */
    private static float[] scatter(Tensor t, int i, int layers, int n, int hidden) {
        float[] out = new float[layers * hidden];
        for (int l = 0; l < layers; l++) {
            System.arraycopy(t.data(), (l * n + i) * hidden, out, l * hidden, hidden);
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
