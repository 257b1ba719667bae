package seqlab.decode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search: keep the {@code width} best partial hypotheses by total log-probability, extend
 * each by every token, keep the best {@code width} again; a hypothesis that emits {@code eos} is
 * finished. An input's search ends when {@code width} hypotheses have finished (fairseq's rule:
 * without it, length normalisation would keep every search going to {@code maxLength}) or at
 * {@code maxLength} tokens. Finished hypotheses are ranked by log p / length^α (α = 0: raw
 * log-probability, which favours short outputs; α = 1: per-token average). Width 1 is greedy
 * decoding. Ties break towards the lower token id, so the result is deterministic.
 */
public final class BeamSearch {

    /**
     * A finished (or length-capped) hypothesis: tokens without bos, with eos if it ended so, and the
     * decoder state the step that produced its last token returned.
     */
    public record Hypothesis<S>(int[] tokens, double logProb, double score, S state) {}

    private record Open<S>(int[] tokens, double logProb, S state) {}

    private BeamSearch() {}

    /**
     * @return hypotheses best first, at most {@code width}
     */
    public static <S> List<Hypothesis<S>> search(StepDecoder<S> decoder, S initial, int bos, int eos, int width,
                                              int maxLength, double alpha) {
        return search(decoder, List.of(initial), bos, eos, width, maxLength, alpha).get(0);
    }

    /**
     * Beam search for several inputs at once: every step extends the open hypotheses of all of them
     * in one call of the decoder, and each input keeps its own beam, exactly as if it were searched
     * alone.
     *
     * @return per initial state, its hypotheses best first, at most {@code width}
     */
    public static <S> List<List<Hypothesis<S>>> search(StepDecoder<S> decoder, List<S> initials, int bos, int eos, int width,
                                                    int maxLength, double alpha) {
        if (width < 1) {
            throw new IllegalArgumentException("beam width must be >= 1, got " + width);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maximum length must be >= 1, got " + maxLength);
        }
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("length penalty alpha must be >= 0, got " + alpha);
        }
        int v = decoder.vocabSize();
        if (eos < 0 || eos >= v || bos < 0 || bos >= v) {
            throw new IllegalArgumentException("bos " + bos + " and eos " + eos + " must be token ids in [0, " + v + ")");
        }
        int inputs = initials.size();
        List<List<Open<S>>> beams = new ArrayList<>();
        List<List<Hypothesis<S>>> done = new ArrayList<>();
        for (S initial : initials) {
            beams.add(List.of(new Open<>(new int[0], 0.0, initial)));
            done.add(new ArrayList<>());
        }
        for (int len = 1; len <= maxLength; len++) {
            int open = beams.stream().mapToInt(List::size).sum();
            if (open == 0) {
                break;
            }
            List<S> states = new ArrayList<>(open);
            int[] last = new int[open];
            for (List<Open<S>> beam : beams) {
                for (Open<S> h : beam) {
                    last[states.size()] = h.tokens().length == 0 ? bos : h.tokens()[h.tokens().length - 1];
                    states.add(h.state());
                }
            }
            StepDecoder.Step<S> step = decoder.step(states, last);
            if (step.logProbs().length != states.size() * v || step.states().size() != states.size()) {
                throw new IllegalStateException("decoder returned " + step.logProbs().length + " log-probs and "
                        + step.states().size() + " states for " + states.size() + " hypotheses of vocabulary " + v);
            }
            int row = 0;                                     // the first row of this input's hypotheses in the step
            for (int in = 0; in < inputs; in++) {
                List<Open<S>> beam = beams.get(in);
                beams.set(in, extend(beam, step, row, v, len, eos, width, maxLength, alpha, done.get(in)));
                row += beam.size();
            }
        }
        List<List<Hypothesis<S>>> out = new ArrayList<>();
        for (List<Hypothesis<S>> d : done) {
            d.sort(Comparator.comparingDouble((Hypothesis<S> h) -> -h.score()));
            out.add(d.size() > width ? List.copyOf(d.subList(0, width)) : List.copyOf(d));
        }
        return out;
    }

    /**
     * One input's step: its candidates (hypothesis i, token t) by total log-probability, best first,
     * ties to the lower (i, t); eos or the length cap finishes a candidate, the others form the next
     * beam of at most {@code width}. Empty when the input is finished.
     */
    private static <S> List<Open<S>> extend(List<Open<S>> beam, StepDecoder.Step<S> step, int row, int v, int len, int eos,
                                            int width, int maxLength, double alpha, List<Hypothesis<S>> done) {
        int n = beam.size();
        double[] total = new double[n * v];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < v; t++) {
                total[i * v + t] = beam.get(i).logProb() + step.logProbs()[(row + i) * v + t];
            }
        }
        // at most one eos per hypothesis, so the best 2·width candidates hold the next beam
        List<Open<S>> next = new ArrayList<>();
        for (int idx : best(total, 2 * width)) {
            if (next.size() == width) {
                break;
            }
            double lp = total[idx];
            int i = idx / v;
            int t = idx % v;
            int[] toks = java.util.Arrays.copyOf(beam.get(i).tokens(), len);
            toks[len - 1] = t;
            S state = step.states().get(row + i);
            if (t == eos || len == maxLength) {                                   // ended, or capped without eos
                done.add(new Hypothesis<>(toks, lp, lp / Math.pow(len, alpha), state));
            } else {
                next.add(new Open<>(toks, lp, state));
            }
        }
        return done.size() >= width ? List.of() : next;                       // width hypotheses have ended: this input is done
    }

    /** Indices of the k largest finite values, largest first, ties to the lower index. */
    static int[] best(double[] values, int k) {
        int[] idx = new int[k];
        double[] val = new double[k];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            if (!(x > Double.NEGATIVE_INFINITY) || (size == k && !(x > val[k - 1]))) {
                continue;                                                    // −∞, NaN, or not better than the kept worst
            }
            int pos = size == k ? k - 1 : size++;
            while (pos > 0 && val[pos - 1] < x) {                            // equal values stay ahead: lower index first
                val[pos] = val[pos - 1];
                idx[pos] = idx[pos - 1];
                pos--;
            }
            val[pos] = x;
            idx[pos] = i;
        }
        return java.util.Arrays.copyOf(idx, size);
    }
}
