package seqlab.decode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search: keep the {@code width} best partial hypotheses by total log-probability, extend
 * each by every token, keep the best {@code width} again; a hypothesis that emits {@code eos} is
 * finished. The search stops when {@code width} hypotheses have finished and no open one can
 * still beat the worst of them, or at {@code maxLength} tokens. Finished hypotheses are ranked by
 * log p / length^α (α = 0: raw log-probability, which favours short outputs; α = 1: per-token
 * average). Width 1 is greedy decoding. Ties break towards the lower token id, so the result is
 * deterministic.
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
        List<Open<S>> beam = new ArrayList<>(List.of(new Open<>(new int[0], 0.0, initial)));
        List<Hypothesis<S>> done = new ArrayList<>();
        for (int len = 1; len <= maxLength && !beam.isEmpty(); len++) {
            List<S> states = new ArrayList<>();
            int[] last = new int[beam.size()];
            for (int i = 0; i < beam.size(); i++) {
                Open<S> h = beam.get(i);
                states.add(h.state());
                last[i] = h.tokens().length == 0 ? bos : h.tokens()[h.tokens().length - 1];
            }
            StepDecoder.Step<S> step = decoder.step(states, last);
            if (step.logProbs().length != beam.size() * v || step.states().size() != beam.size()) {
                throw new IllegalStateException("decoder returned " + step.logProbs().length + " log-probs and "
                        + step.states().size() + " states for " + beam.size() + " hypotheses of vocabulary " + v);
            }
            // candidates: (hypothesis i, token t) by total log-probability, best first, ties to lower (i, t)
            List<long[]> cand = new ArrayList<>(beam.size() * v);
            double[] total = new double[beam.size() * v];
            for (int i = 0; i < beam.size(); i++) {
                for (int t = 0; t < v; t++) {
                    total[i * v + t] = beam.get(i).logProb() + step.logProbs()[i * v + t];
                    cand.add(new long[] {i * v + t});
                }
            }
            cand.sort(Comparator.<long[]>comparingDouble(c -> -total[(int) c[0]]).thenComparingLong(c -> c[0]));
            List<Open<S>> next = new ArrayList<>();
            for (long[] c : cand) {
                if (next.size() == width) {
                    break;
                }
                int idx = (int) c[0];
                double lp = total[idx];
                if (lp == Double.NEGATIVE_INFINITY) {
                    break;
                }
                int i = idx / v;
                int t = idx % v;
                int[] toks = java.util.Arrays.copyOf(beam.get(i).tokens(), len);
                toks[len - 1] = t;
                if (t == eos) {
                    done.add(new Hypothesis<>(toks, lp, lp / Math.pow(len, alpha), step.states().get(i)));
                } else if (len == maxLength) {
                    done.add(new Hypothesis<>(toks, lp, lp / Math.pow(len, alpha), step.states().get(i)));   // capped, no eos
                } else {
                    next.add(new Open<>(toks, lp, step.states().get(i)));
                }
            }
            beam = next;
            if (done.size() >= width && !beam.isEmpty()) {
                // an open hypothesis only loses probability; with α = 0 it cannot beat a finished one it trails
                double worstKept = done.stream().mapToDouble(Hypothesis<S>::score).sorted().skip(done.size() - width).findFirst().orElse(0);
                if (alpha == 0 && beam.get(0).logProb() <= worstKept) {
                    break;
                }
            }
        }
        done.sort(Comparator.comparingDouble((Hypothesis<S> h) -> -h.score()));
        return done.size() > width ? List.copyOf(done.subList(0, width)) : List.copyOf(done);
    }
}
