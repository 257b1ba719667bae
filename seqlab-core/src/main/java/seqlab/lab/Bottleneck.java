package seqlab.lab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import seqlab.data.Pair;
import seqlab.decode.SamplingConfig;
import seqlab.decode.Translator;
import seqlab.model.Seq2SeqConfig;
import seqlab.model.Seq2SeqConfig.Attention;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.train.Seq2SeqEvaluation;
import seqlab.train.TrainConfig;

/**
 * The seq2seq bottleneck (Bahdanau et al. 2014, Figure 2): the same encoder–decoder with a fixed
 * context vector ({@code none}) and with attention ({@code bahdanau}, {@code luong-general}),
 * trained on the same data for the same steps; BLEU by source length, and the attention over a
 * long sentence.
 */
public final class Bottleneck implements Experiment {

    static final Attention[] VARIANTS = {Attention.NONE, Attention.BAHDANAU, Attention.LUONG_GENERAL};

    @Override
    public String name() {
        return "bottleneck";
    }

    @Override
    public String description() {
        return "BLEU against source length for a fixed context vector versus attention (Bahdanau et al. 2014, Fig. 2)";
    }

    record Size(String data, int minFreq, int embed, int hidden, float dropout, int maxLength, int steps, int batch, int evalEvery,
                int testPairs, int bucket) {}

    /**
     * How much larger a share of its short-source BLEU attention must keep on the longest sources
     * to count as flatter: the longest buckets hold few sentences, so smaller gaps are noise.
     */
    static final double CLEAR_MARGIN = 0.10;

    static Size size(boolean quick) {
        return quick ? new Size("builtin:reverse", 1, 16, 32, 0f, 20, 300, 64, 100, 600, 2)
                : new Size("multi30k:../shared/data/multi30k", 2, 256, 256, 0.3f, 100, 454, 128, 227, 1000, 5);
    }

    @Override
    public LabResult run(boolean quick, Consumer<String> log) {
        Size z = size(quick);
        TranslationRuns.Corpus c = TranslationRuns.corpus(z.data(), z.minFreq(), z.maxLength(), z.testPairs());
        TrainConfig cfg = new TrainConfig(z.steps(), z.batch(), 1, "adam", 1e-3f * (quick ? 5 : 1), "constant", 0, 0f, 0f, 1f,
                z.evalEvery(), 1, 1);
        List<java.util.function.Supplier<TranslationRuns.Evaluated>> jobs = new ArrayList<>();
        for (Attention a : VARIANTS) {
            jobs.add(() -> {
                Seq2SeqConfig template = new Seq2SeqConfig(CellType.GRU, a, 5, 5, z.embed(), z.hidden(), 1, false, z.dropout(), z.maxLength());
                log.accept(String.format(Locale.ROOT, "%s: %d steps on %s", a.id(), z.steps(), z.data()));
                TranslationRuns.Evaluated e = TranslationRuns.trainAndEvaluate(c, template, 1.0, cfg, z.bucket(), a.id(), log);
                log.accept(String.format(Locale.ROOT, "%s: BLEU %.2f overall", a.id(), 100 * e.report().bleu()));
                return e;
            });
        }
        List<TranslationRuns.Evaluated> outcomes = Jobs.run(jobs);
        List<Series> curves = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        List<double[]> ends = new ArrayList<>();                                           // {first bucket BLEU, last bucket BLEU, all}
        Figure.Heat heat = null;
        for (int k = 0; k < VARIANTS.length; k++) {
            Attention a = VARIANTS[k];
            Seq2SeqEvaluation.Report rep = outcomes.get(k).report();
            // BLEU-4 needs 4-grams: buckets of shorter sources are scored 0 whatever the output, so they are left out
            List<Seq2SeqEvaluation.Bucket> kept = rep.byLength().stream().filter(b -> b.pairs() >= 10 && b.from() >= 4).toList();
            double[] x = kept.stream().mapToDouble(b -> (b.from() + b.to()) / 2.0).toArray();
            double[] y = kept.stream().mapToDouble(b -> 100 * b.bleu()).toArray();
            curves.add(new Series(a.id(), x, y));
            for (Seq2SeqEvaluation.Bucket b : rep.byLength()) {
                rows.add(List.of(a.id(), b.from(), b.to(), b.pairs(), RnnVsLstmVsGru.round(100 * b.bleu())));
            }
            rows.add(List.of(a.id(), "all", "", c.test().size(), RnnVsLstmVsGru.round(100 * rep.bleu())));
            ends.add(new double[] {y.length > 0 ? y[0] : Double.NaN, y.length > 0 ? y[y.length - 1] : Double.NaN, 100 * rep.bleu()});
            log.accept(String.format(Locale.ROOT, "%s: BLEU %.2f overall, %.2f on the shortest and %.2f on the longest sources", a.id(),
                    100 * rep.bleu(), ends.get(k)[0], ends.get(k)[1]));
            if (a == Attention.BAHDANAU) {
                heat = longSentenceMap(outcomes.get(k).trained(), c);
            }
        }
        double[] none = ends.get(0);
        double[] bah = ends.get(1);
        double[] luong = ends.get(2);
        String setup = String.format(Locale.ROOT, "%s; GRU encoder/decoder, hidden %d, embedding %d; %d steps of %d pairs, teacher forcing 1; "
                + "greedy decoding of %d test pairs, BLEU per %d-token source-length bucket (buckets from 4 tokens with ≥ 10 pairs plotted)",
                z.data(), z.hidden(), z.embed(), z.steps(), z.batch(), c.test().size(), z.bucket());
        double keptNone = none[1] / none[0];                                              // share of short-source BLEU kept on long sources
        double keptBah = bah[1] / bah[0];
        List<Finding> findings = List.of(
                new Finding("A fixed-size context vector loses BLEU as the source gets longer", setup,
                        String.format(Locale.ROOT, "none: BLEU %.2f on the shortest bucket, %.2f on the longest (%.0f%% kept)", none[0], none[1],
                                100 * keptNone),
                        none[1] < none[0] ? "confirmed" : "not confirmed: BLEU did not fall with length"),
                new Finding("Attention removes the bottleneck: its BLEU stays up on long sources", setup,
                        String.format(Locale.ROOT, "bahdanau: %.2f → %.2f (%.0f%% kept); luong-general: %.2f → %.2f; overall BLEU none %.2f, "
                                + "bahdanau %.2f, luong-general %.2f", bah[0], bah[1], 100 * keptBah, luong[0], luong[1], none[2], bah[2], luong[2]),
                        attentionVerdict(none, bah)));
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure.Lines("bleu_by_length", "BLEU by source length: fixed vector vs attention", "source length (tokens)", "BLEU",
                false, false, curves));
        if (heat != null) {
            figures.add(heat);
        }
        return new LabResult(name(), "The seq2seq bottleneck: BLEU by source length", findings,
                List.of("attention", "from", "to", "pairs", "bleu"), rows, figures);
    }

    /**
     * The verdict on attention from {short-source BLEU, long-source BLEU} of the fixed vector and
     * of Bahdanau attention: higher on the longest sources, and keeping a share of its
     * short-source BLEU at least {@link #CLEAR_MARGIN} larger.
     */
    static String attentionVerdict(double[] none, double[] bah) {
        double keptNone = none[1] / none[0];
        double keptBah = bah[1] / bah[0];
        if (!(bah[1] > none[1])) {
            return "not confirmed at this size";
        }
        if (keptBah >= keptNone + CLEAR_MARGIN) {
            return "confirmed: attention is higher on the longest sources and keeps a clearly larger share of its short-source BLEU";
        }
        return String.format(Locale.ROOT, "partly: attention is higher on the longest sources but falls about as steeply "
                + "(%.0f%% of its short-source BLEU kept, the fixed vector %.0f%%)", 100 * keptBah, 100 * keptNone);
    }

    /** The attention of the Bahdanau model over the longest test source. */
    private static Figure.Heat longSentenceMap(TranslationRuns.Trained t, TranslationRuns.Corpus c) {
        Pair longest = c.test().stream().max(Comparator.comparingInt((Pair p) -> c.tok().tokens(p.source()).size())).orElseThrow();
        int[] src = c.tok().encodeSource(longest.source());
        Translator.Translation tr = new Translator(t.model()).decode(List.of(src), t.model().config().maxLength(),
                SamplingConfig.greedy(), new Rng(0)).get(0);
        List<String> sources = new ArrayList<>(c.tok().tokens(longest.source()));
        sources.add("<eos>");
        List<String> targets = new ArrayList<>();
        for (int id : tr.tokens()) {
            targets.add(c.tok().target().words().get(id));
        }
        return new Figure.Heat("attention_long_sentence", "Bahdanau attention on the longest test source", sources, targets, tr.attention());
    }
}
