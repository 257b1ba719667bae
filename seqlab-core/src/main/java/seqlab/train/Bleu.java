package seqlab.train;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU-4 (Papineni et al. 2002) on tokenized text, computed exactly as NLTK's
 * {@code corpus_bleu} with its defaults (weights ¼ each, no smoothing), so figures compare with
 * published ones made that way:
 * <pre>
 * p_n = Σ_sentences Σ_ngrams min(count, max count in any reference) / Σ_sentences max(1, number of n-grams)
 * BP  = 1 if c > r, else exp(1 − r/c)   (c = total hypothesis length, r = Σ closest reference length,
 *                                        ties to the shorter reference; BP = 0 when c = 0)
 * BLEU = BP · exp(Σ_n ¼ log p_n)
 * </pre>
 * As in NLTK, BLEU is 0 when no unigram matches, and a p_n with no match counts as the smallest
 * normal double (NLTK's SmoothingFunction.method0), which makes BLEU tiny but not 0.
 */
public final class Bleu {

    private static final int N = 4;

    private Bleu() {}

    /** @param references per sentence, one or more tokenized references; @param hypotheses per sentence, tokens */
    public static double corpus(List<List<List<String>>> references, List<List<String>> hypotheses) {
        if (references.size() != hypotheses.size()) {
            throw new IllegalArgumentException("BLEU: " + references.size() + " reference sets for " + hypotheses.size() + " hypotheses");
        }
        long[] num = new long[N + 1];
        long[] den = new long[N + 1];
        long hypLen = 0;
        long refLen = 0;
        for (int s = 0; s < hypotheses.size(); s++) {
            List<String> hyp = hypotheses.get(s);
            List<List<String>> refs = references.get(s);
            if (refs.isEmpty()) {
                throw new IllegalArgumentException("BLEU: sentence " + s + " has no reference");
            }
            for (int n = 1; n <= N; n++) {
                Map<List<String>, Integer> counts = ngrams(hyp, n);
                Map<List<String>, Integer> maxRef = new HashMap<>();
                for (List<String> ref : refs) {
                    Map<List<String>, Integer> rc = ngrams(ref, n);
                    for (List<String> g : counts.keySet()) {
                        maxRef.merge(g, rc.getOrDefault(g, 0), Math::max);
                    }
                }
                long clipped = 0;
                long total = 0;
                for (Map.Entry<List<String>, Integer> e : counts.entrySet()) {
                    clipped += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
                    total += e.getValue();
                }
                num[n] += clipped;
                den[n] += Math.max(1, total);
            }
            hypLen += hyp.size();
            refLen += closestRefLength(refs, hyp.size());
        }
        if (num[1] == 0) {
            return 0;
        }
        double bp = hypLen > refLen ? 1 : hypLen == 0 ? 0 : Math.exp(1 - (double) refLen / hypLen);
        double logSum = 0;
        for (int n = 1; n <= N; n++) {
            double p = num[n] == 0 ? Double.MIN_NORMAL : (double) num[n] / den[n];
            logSum += 0.25 * Math.log(p);
        }
        return bp * Math.exp(logSum);
    }

    private static int closestRefLength(List<List<String>> refs, int hypLen) {
        int best = -1;
        for (List<String> r : refs) {
            int len = r.size();
            if (best < 0 || Math.abs(len - hypLen) < Math.abs(best - hypLen)
                    || (Math.abs(len - hypLen) == Math.abs(best - hypLen) && len < best)) {
                best = len;
            }
        }
        return best;
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            out.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return out;
    }
}
