package seqlab.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import seqlab.data.PairBatcher;
import seqlab.data.Seq2SeqBatch;
import seqlab.decode.SamplingConfig;
import seqlab.decode.Translator;
import seqlab.model.TranslationModel;
import seqlab.tensor.Rng;
import seqlab.text.PairTokenizer;
import seqlab.text.Vocabulary;

/**
 * How well a translation model does on a set of pairs: perplexity teacher-forced (each step reads
 * the true previous token) and free-running (each step reads the model's own previous guess, for
 * as many steps as the reference has: not comparable with the first), greedy translations scored
 * by corpus BLEU-4, exact match and token accuracy, and BLEU by source length.
 */
public final class Seq2SeqEvaluation {

    /** BLEU of the pairs whose source has words in [from, to]. */
    public record Bucket(int from, int to, int pairs, double bleu) {}

    /** Everything {@code seqlab eval} reports; {@code hypotheses} are the greedy outputs' tokens, in input order. */
    public record Report(Evaluation.Nll teacherForced, Evaluation.Nll freeRunning, double bleu,
                         SequenceAccuracy.Result accuracy, List<Bucket> byLength, List<List<String>> hypotheses) {}

    private Seq2SeqEvaluation() {}

    /** Validation batches: sorted by source length (less padding), cut into B pairs each. */
    public static List<Seq2SeqBatch> batches(List<PairBatcher.Encoded> pairs, int batch) {
        List<PairBatcher.Encoded> sorted = new ArrayList<>(pairs);
        sorted.sort(Comparator.comparingInt((PairBatcher.Encoded e) -> e.source().length));
        List<Seq2SeqBatch> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i += batch) {
            out.add(PairBatcher.pad(sorted.subList(i, Math.min(sorted.size(), i + batch))));
        }
        return out;
    }

    /** Predicted target tokens in a batch (those the loss counts). */
    static long targets(Seq2SeqBatch b) {
        long n = 0;
        for (int y : b.targetOut()) {
            if (y != Seq2SeqBatch.IGNORE) {
                n++;
            }
        }
        return n;
    }

    /** Total NLL at a teacher-forcing ratio of 1 (teacher-forced) or 0 (free-running), in evaluation mode. */
    public static Evaluation.Nll loss(TranslationModel model, List<Seq2SeqBatch> batches, double teacherForcing) {
        return model.module().inference(() -> {
            double nats = 0;
            long count = 0;
            for (Seq2SeqBatch b : batches) {
                long n = targets(b);
                nats += (double) model.loss(b, teacherForcing, new Rng(0), new Rng(0)).item() * n;
                count += n;
            }
            return new Evaluation.Nll(nats, count);
        });
    }

    /** The full report with greedy translations. */
    public static Report evaluate(TranslationModel model, PairTokenizer tok, List<String> sources, List<String> references,
                                  int batch, int bucketWidth) {
        return evaluate(model, tok, sources, references, batch, bucketWidth, 1);
    }

    /**
     * The full report on pairs (sources and references as text).
     *
     * @param bucketWidth words per source-length bucket of the BLEU-by-length table
     * @param beam        1: greedy translations, decoded {@code batch} at a time; more: beam search of
     *                    this width, {@code batch} sentences searched together (length normalisation α = 1)
     */
    public static Report evaluate(TranslationModel model, PairTokenizer tok, List<String> sources, List<String> references,
                                  int batch, int bucketWidth, int beam) {
        List<PairBatcher.Encoded> enc = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            enc.add(new PairBatcher.Encoded(tok.encodeSource(sources.get(i)), tok.encodeTarget(references.get(i))));
        }
        List<Seq2SeqBatch> batches = batches(enc, batch);
        Evaluation.Nll tf = loss(model, batches, 1.0);
        Evaluation.Nll free = loss(model, batches, 0.0);
        Translator translator = new Translator(model, false);
        List<List<String>> hyps = new ArrayList<>();
        List<int[]> predicted = new ArrayList<>();
        for (int i = 0; i < enc.size(); i += batch) {
            List<int[]> chunk = new ArrayList<>();
            for (PairBatcher.Encoded e : enc.subList(i, Math.min(enc.size(), i + batch))) {
                chunk.add(e.source());
            }
            List<Translator.Translation> outs = new ArrayList<>();
            if (beam > 1) {
                for (List<Translator.Translation> best : translator.beam(chunk, beam, model.maxLength(), 1.0)) {
                    outs.add(best.get(0));
                }
            } else {
                outs = translator.decode(chunk, model.maxLength(), SamplingConfig.greedy(), new Rng(0));
            }
            for (Translator.Translation t : outs) {
                hyps.add(tok.decodeTarget(t.tokens()));
                predicted.add(withoutEos(t.tokens()));
            }
        }
        List<List<List<String>>> refs = new ArrayList<>();
        List<int[]> refIds = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            refs.add(List.of(tok.tokens(references.get(i))));
            refIds.add(withoutEos(enc.get(i).target()));
        }
        double bleu = Bleu.corpus(refs, hyps);
        List<Bucket> buckets = new ArrayList<>();
        int longest = 0;
        for (PairBatcher.Encoded e : enc) {
            longest = Math.max(longest, e.source().length - 1);
        }
        for (int from = 0; from <= longest; from += bucketWidth) {
            List<List<List<String>>> r = new ArrayList<>();
            List<List<String>> h = new ArrayList<>();
            for (int i = 0; i < enc.size(); i++) {
                int words = enc.get(i).source().length - 1;
                if (words >= from && words < from + bucketWidth) {
                    r.add(refs.get(i));
                    h.add(hyps.get(i));
                }
            }
            if (!h.isEmpty()) {
                buckets.add(new Bucket(from, from + bucketWidth - 1, h.size(), Bleu.corpus(r, h)));
            }
        }
        return new Report(tf, free, bleu, SequenceAccuracy.of(predicted, refIds), buckets, hyps);
    }

    private static int[] withoutEos(int[] ids) {
        int n = 0;
        while (n < ids.length && ids[n] != Vocabulary.EOS) {
            n++;
        }
        return java.util.Arrays.copyOf(ids, n);
    }
}
