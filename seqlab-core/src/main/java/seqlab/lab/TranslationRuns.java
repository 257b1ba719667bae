package seqlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import seqlab.data.Pair;
import seqlab.data.PairBatcher;
import seqlab.data.TranslationData;
import seqlab.model.Seq2Seq;
import seqlab.model.Seq2SeqConfig;
import seqlab.tensor.Rng;
import seqlab.text.PairTokenizer;
import seqlab.train.Seq2SeqEvaluation;
import seqlab.train.Seq2SeqTask;
import seqlab.train.TrainConfig;
import seqlab.train.Trainer;

/** Trains and evaluates translation models for the experiments that compare them. */
final class TranslationRuns {

    /** A corpus with its vocabularies and encoded pairs; the test pairs at most {@code testPairs}. */
    record Corpus(TranslationData data, PairTokenizer tok, List<PairBatcher.Encoded> train, List<PairBatcher.Encoded> val,
                  List<Pair> test) {}

    /** A trained model and its validation curve. */
    record Trained(Seq2Seq model, Curve curve) {}

    /** A trained model and its report on the test pairs. */
    record Evaluated(Trained trained, Seq2SeqEvaluation.Report report) {}

    private TranslationRuns() {}

    static Corpus corpus(String spec, int minFreq, int maxLength, int testPairs) {
        TranslationData d = TranslationData.read(spec);
        PairTokenizer tok = PairTokenizer.fit(d.split(), d.train().stream().map(Pair::source).toList(),
                d.train().stream().map(Pair::target).toList(), minFreq);
        List<PairBatcher.Encoded> train = new ArrayList<>();
        for (Pair p : d.train()) {
            PairBatcher.Encoded e = new PairBatcher.Encoded(tok.encodeSource(p.source()), tok.encodeTarget(p.target()));
            if (e.source().length <= maxLength && e.target().length <= maxLength) {
                train.add(e);
            }
        }
        List<PairBatcher.Encoded> val = new ArrayList<>();
        for (Pair p : d.val()) {
            val.add(new PairBatcher.Encoded(tok.encodeSource(p.source()), tok.encodeTarget(p.target())));
        }
        return new Corpus(d, tok, train, val, d.test().subList(0, Math.min(testPairs, d.test().size())));
    }

    /** A model of {@code template}'s variant and sizes with the corpus's vocabularies. */
    static Seq2SeqConfig sized(Seq2SeqConfig t, Corpus c) {
        return new Seq2SeqConfig(t.cell(), t.attention(), c.tok().source().size(), c.tok().target().size(), t.embeddingSize(),
                t.hiddenSize(), t.numLayers(), t.bidirectional(), t.dropout(), t.maxLength(), t.deepOutput());
    }

    /** Trains a model; {@code name} labels its progress lines on {@code log}. */
    static Trained train(Corpus c, Seq2SeqConfig template, double teacherForcing, TrainConfig cfg, String name, Consumer<String> log) {
        Seq2Seq model = new Seq2Seq(sized(template, c), new Rng(cfg.seed()));
        Seq2SeqTask task = new Seq2SeqTask(model, c.tok(), c.train(), c.val(), cfg.batch(), teacherForcing, cfg.seed());
        Curve curve = new Curve(name, log);
        Scratch.use(dir -> Trainer.start(task, Map.of("source", c.data().spec()), cfg, dir, curve).run());
        return new Trained(model, curve);
    }

    /** Trains a model and evaluates it on the test pairs (greedy decoding, BLEU by source length in buckets of {@code bucket}). */
    static Evaluated trainAndEvaluate(Corpus c, Seq2SeqConfig template, double teacherForcing, TrainConfig cfg, int bucket,
                                      String name, Consumer<String> log) {
        Trained t = train(c, template, teacherForcing, cfg, name, log);
        return new Evaluated(t, Seq2SeqEvaluation.evaluate(t.model(), c.tok(), c.test().stream().map(Pair::source).toList(),
                c.test().stream().map(Pair::target).toList(), 128, bucket));
    }
}
