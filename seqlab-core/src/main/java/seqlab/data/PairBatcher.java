package seqlab.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import seqlab.tensor.Rng;
import seqlab.text.Vocabulary;

/**
 * Batches of similar length: each epoch the encoded pairs are shuffled (seeded), cut into pools
 * of {@code poolBatches} × B pairs, each pool sorted by source length and cut into batches, and
 * the batches shuffled, so that little of a batch is padding while the order stays random.
 */
public final class PairBatcher {

    /** An encoded pair: source ids ending in {@code <eos>}, target ids ending in {@code <eos>}. */
    public record Encoded(int[] source, int[] target) {}

    private PairBatcher() {}

    public static List<Seq2SeqBatch> epoch(List<Encoded> pairs, int batchSize, int poolBatches, Rng rng) {
        if (batchSize < 1 || poolBatches < 1) {
            throw new IllegalArgumentException("batch size and pool size must be >= 1, got " + batchSize + " and " + poolBatches);
        }
        List<Encoded> order = new ArrayList<>(pairs);
        shuffle(order, rng);
        List<Seq2SeqBatch> out = new ArrayList<>();
        int pool = batchSize * poolBatches;
        for (int p = 0; p < order.size(); p += pool) {
            List<Encoded> chunk = new ArrayList<>(order.subList(p, Math.min(order.size(), p + pool)));
            chunk.sort(Comparator.comparingInt((Encoded e) -> e.source().length));      // stable
            for (int b = 0; b < chunk.size(); b += batchSize) {
                out.add(pad(chunk.subList(b, Math.min(chunk.size(), b + batchSize))));
            }
        }
        shuffle(out, rng);
        return out;
    }

    /** One padded batch of the given pairs, in their order. */
    public static Seq2SeqBatch pad(List<Encoded> pairs) {
        int b = pairs.size();
        int s = 0;
        int t = 0;
        for (Encoded e : pairs) {
            if (e.source().length == 0 || e.target().length == 0) {
                throw new IllegalArgumentException("a pair has an empty source or target (each must end with <eos>)");
            }
            s = Math.max(s, e.source().length);
            t = Math.max(t, e.target().length);
        }
        int[] src = new int[b * s];                          // zeros = <pad>
        int[] lens = new int[b];
        int[] tin = new int[b * t];
        int[] tout = new int[b * t];
        Arrays.fill(tout, Seq2SeqBatch.IGNORE);
        for (int r = 0; r < b; r++) {
            Encoded e = pairs.get(r);
            System.arraycopy(e.source(), 0, src, r * s, e.source().length);
            lens[r] = e.source().length;
            tin[r * t] = Vocabulary.BOS;                      // <bos> y_1 … y_{n−1}
            System.arraycopy(e.target(), 0, tin, r * t + 1, e.target().length - 1);
            System.arraycopy(e.target(), 0, tout, r * t, e.target().length);      // y_1 … y_n (= <eos>)
        }
        return new Seq2SeqBatch(src, lens, tin, tout, b, s, t);
    }

    private static <T> void shuffle(List<T> list, Rng rng) {
        for (int i = list.size() - 1; i > 0; i--) {                                // Fisher–Yates
            int j = rng.nextInt(i + 1);
            T tmp = list.get(i);
            list.set(i, list.get(j));
            list.set(j, tmp);
        }
    }
}
