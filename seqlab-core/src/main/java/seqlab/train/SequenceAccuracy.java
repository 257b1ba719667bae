package seqlab.train;

import java.util.List;

/**
 * Accuracy of predicted token sequences against references: exact match (the whole sequence
 * equal) and token accuracy (position-by-position equal tokens over the reference length; a
 * missing or extra position counts as wrong, so a prediction of a different length is penalised).
 */
public final class SequenceAccuracy {

    /** Both figures, in [0, 1]. */
    public record Result(double exactMatch, double tokenAccuracy, int sequences, long tokens) {}

    private SequenceAccuracy() {}

    public static Result of(List<int[]> predictions, List<int[]> references) {
        if (predictions.size() != references.size()) {
            throw new IllegalArgumentException("accuracy: " + predictions.size() + " predictions for " + references.size() + " references");
        }
        int exact = 0;
        long correct = 0;
        long total = 0;
        for (int s = 0; s < predictions.size(); s++) {
            int[] p = predictions.get(s);
            int[] r = references.get(s);
            if (java.util.Arrays.equals(p, r)) {
                exact++;
            }
            int len = Math.max(p.length, r.length);
            for (int i = 0; i < Math.min(p.length, r.length); i++) {
                if (p[i] == r[i]) {
                    correct++;
                }
            }
            total += len;
        }
        int n = predictions.size();
        return new Result(n == 0 ? 0 : (double) exact / n, total == 0 ? 0 : (double) correct / total, n, total);
    }
}
