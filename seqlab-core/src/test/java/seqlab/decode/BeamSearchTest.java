package seqlab.decode;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Beam search on a small Markov chain whose most likely sentence greedy decoding misses.
 * Tokens: 0 bos, 1 eos, 2 "a", 3 "b"; p(next | last) below.
 */
class BeamSearchTest {

    static final double[][] P = {
            {0, 0, 0.55, 0.45},      // after bos
            {0, 1, 0, 0},            // after eos (unused)
            {0, 0.30, 0.35, 0.35},   // after a
            {0, 0.90, 0.05, 0.05}};  // after b

    /** The chain as a decoder; its state counts calls, to check states are threaded through. */
    static final class Chain implements StepDecoder<Integer> {
        @Override
        public Step<Integer> step(List<Integer> states, int[] last) {
            float[] lp = new float[last.length * 4];
            List<Integer> next = new ArrayList<>();
            for (int i = 0; i < last.length; i++) {
                for (int t = 0; t < 4; t++) {
                    lp[i * 4 + t] = (float) Math.log(P[last[i]][t]);
                }
                next.add(states.get(i) + 1);
            }
            return new Step<>(lp, next);
        }

        @Override
        public int vocabSize() {
            return 4;
        }
    }

    @Test
    void beamFindsTheMostLikelySentenceThatGreedyMisses() {
        List<BeamSearch.Hypothesis<Integer>> beam = BeamSearch.search(new Chain(), 0, 0, 1, 2, 10, 0);
        assertThat(beam.get(0).tokens()).containsExactly(3, 1);                       // "b </s>", p = 0.45·0.9
        assertThat(Math.exp(beam.get(0).logProb())).isCloseTo(0.405, org.assertj.core.data.Offset.offset(1e-6));
        List<BeamSearch.Hypothesis<Integer>> greedy = BeamSearch.search(new Chain(), 0, 0, 1, 1, 6, 0);
        assertThat(greedy).hasSize(1);
        assertThat(greedy.get(0).tokens()).containsExactly(2, 2, 2, 2, 2, 2);          // never ends: capped at 6
    }

    @Test
    void hypothesesAreRankedAndLengthNormalisationChangesTheRanking() {
        List<BeamSearch.Hypothesis<Integer>> four = BeamSearch.search(new Chain(), 0, 0, 1, 4, 5, 0);
        assertThat(four).isNotEmpty();
        for (int i = 1; i < four.size(); i++) {
            assertThat(four.get(i).score()).isLessThanOrEqualTo(four.get(i - 1).score());
        }
        List<BeamSearch.Hypothesis<Integer>> avg = BeamSearch.search(new Chain(), 0, 0, 1, 4, 5, 1.0);
        for (BeamSearch.Hypothesis<Integer> h : avg) {
            assertThat(h.score()).isCloseTo(h.logProb() / h.tokens().length, org.assertj.core.data.Offset.offset(1e-12));
        }
        assertThat(BeamSearch.search(new Chain(), 0, 0, 1, 4, 5, 0)).usingRecursiveComparison().isEqualTo(four);
    }

    @Test
    void anInputsSearchEndsOnceWidthHypothesesHaveFinished() {
        int[] calls = new int[1];
        StepDecoder<Integer> counting = new StepDecoder<>() {
            @Override
            public Step<Integer> step(List<Integer> states, int[] last) {
                calls[0]++;
                return new Chain().step(states, last);
            }

            @Override
            public int vocabSize() {
                return 4;
            }
        };
        List<BeamSearch.Hypothesis<Integer>> two = BeamSearch.search(counting, 0, 0, 1, 2, 50, 1.0);
        assertThat(two).hasSize(2);
        assertThat(two.get(0).tokens()).containsExactly(3, 1);                               // "b </s>" finishes at step 2
        assertThat(two).allSatisfy(h -> assertThat(h.tokens()[h.tokens().length - 1]).isEqualTo(1));
        assertThat(calls[0]).as("steps run, of at most 50").isLessThanOrEqualTo(4);
    }

    @Test
    void manyInputsAtOnceGiveEachInputsOwnResult() {
        List<List<BeamSearch.Hypothesis<Integer>>> all = BeamSearch.search(new Chain(), List.of(0, 100, 200), 0, 1, 3, 6, 0.5);
        assertThat(all).hasSize(3);
        for (List<BeamSearch.Hypothesis<Integer>> one : all) {
            List<BeamSearch.Hypothesis<Integer>> alone = BeamSearch.search(new Chain(), 0, 0, 1, 3, 6, 0.5);
            assertThat(one).hasSameSizeAs(alone);
            for (int k = 0; k < one.size(); k++) {
                assertThat(one.get(k).tokens()).isEqualTo(alone.get(k).tokens());
                assertThat(one.get(k).score()).isEqualTo(alone.get(k).score());
            }
        }
        assertThat(all.get(1).get(0).state()).isEqualTo(100 + all.get(1).get(0).tokens().length);   // each input's own states
    }

    @Test
    void bestKeepsTheLargestFiniteValuesWithTiesToTheLowerIndex() {
        double ninf = Double.NEGATIVE_INFINITY;
        assertThat(BeamSearch.best(new double[] {1, 3, 3, ninf, 2, Double.NaN, 3}, 4)).containsExactly(1, 2, 6, 4);
        assertThat(BeamSearch.best(new double[] {ninf, ninf}, 3)).isEmpty();
        assertThat(BeamSearch.best(new double[] {0.5}, 3)).containsExactly(0);
        java.util.Random r = new java.util.Random(3);
        for (int trial = 0; trial < 50; trial++) {
            double[] x = new double[1 + r.nextInt(40)];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextInt(6);                                                        // many ties
            }
            int k = 1 + r.nextInt(8);
            Integer[] order = new Integer[x.length];
            for (int i = 0; i < x.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (p, q) -> x[p] != x[q] ? Double.compare(x[q], x[p]) : Integer.compare(p, q));
            int[] expected = java.util.Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
            assertThat(BeamSearch.best(x, k)).isEqualTo(expected);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> BeamSearch.search(new Chain(), 0, 0, 1, 0, 5, 0)).hasMessageContaining("beam width must be >= 1, got 0");
        assertThatThrownBy(() -> BeamSearch.search(new Chain(), 0, 0, 1, 2, 0, 0)).hasMessageContaining("maximum length");
        assertThatThrownBy(() -> BeamSearch.search(new Chain(), 0, 0, 9, 2, 5, 0)).hasMessageContaining("eos 9");
        assertThatThrownBy(() -> BeamSearch.search(new Chain(), 0, 0, 1, 2, 5, -1)).hasMessageContaining("alpha");
    }
}
