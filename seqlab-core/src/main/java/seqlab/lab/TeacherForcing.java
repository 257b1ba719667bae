package seqlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

import seqlab.data.TranslationData;
import seqlab.model.Seq2SeqConfig;
import seqlab.tensor.CellType;
import seqlab.train.Seq2SeqEvaluation;
import seqlab.train.TrainConfig;

/**
 * Teacher forcing at ratios 1, 0.5 and 0: how fast each learns (teacher-forced validation loss
 * by step and by time) and how well each translates on its own (free-running BLEU, free-running
 * perplexity) — exposure bias is the gap between the two views.
 */
public final class TeacherForcing implements Experiment {

    static final double[] RATIOS = {1.0, 0.5, 0.0};

    @Override
    public String name() {
        return "teacher-forcing";
    }

    @Override
    public String description() {
        return "teacher forcing ratio 1.0 / 0.5 / 0.0: training speed against free-running BLEU";
    }

    record Size(String data, int minFreq, Seq2SeqConfig model, int steps, int batch, int evalEvery, int testPairs, int bucket) {}

    static Size size(boolean quick) {
        return quick
                ? new Size("builtin:dates", 1, new Seq2SeqConfig(CellType.GRU, Seq2SeqConfig.Attention.BAHDANAU, 5, 5, 16, 64, 1, false, 0f, 64),
                        200, 32, 25, 300, 10)
                : new Size("eng-fra:../shared/data/eng-fra", 1, new Seq2SeqConfig(CellType.GRU, Seq2SeqConfig.Attention.BAHDANAU, 5, 5,
                        256, 256, 1, false, 0.1f, 30), 3000, 64, 150, 1000, 3);
    }

    static final List<String> COLUMNS = List.of("ratio", "step", "train_seconds", "val_loss_teacher_forced", "bleu_free_running",
            "perplexity_free_running");

    /** Greedy BLEU points by which ratio 0.5 must beat 1.0 to translate better on its own. */
    static final double BLEU_MARGIN = 1.0;
    /** The factor by which ratio 1.0's free-running perplexity must exceed ratio 0.5's to be worse on its own. */
    static final double PERPLEXITY_FACTOR = 1.2;

    @Override
    public LabResult run(boolean quick, Consumer<String> log) {
        Size z = size(quick);
        TranslationRuns.Corpus c = TranslationRuns.corpus(z.data(), z.minFreq(), z.model().maxLength(), z.testPairs());
        TrainConfig cfg = new TrainConfig(z.steps(), z.batch(), 1, "adamw", 3e-3f, "cosine", z.steps() / 20, 0f, 0f, 1f,
                z.evalEvery(), 1, 1);
        List<java.util.function.Supplier<TranslationRuns.Evaluated>> jobs = new ArrayList<>();
        for (double r : RATIOS) {
            jobs.add(() -> {
                log.accept(String.format(Locale.ROOT, "teacher forcing %.1f: %d steps on %s", r, z.steps(), z.data()));
                return TranslationRuns.trainAndEvaluate(c, z.model(), r, cfg, z.bucket(),
                        String.format(Locale.ROOT, "teacher forcing %.1f", r), log);
            });
        }
        List<TranslationRuns.Evaluated> runs = Jobs.run(jobs);
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < RATIOS.length; i++) {
            double r = RATIOS[i];
            Curve curve = runs.get(i).trained().curve();
            Seq2SeqEvaluation.Report rep = runs.get(i).report();
            for (double[] p : curve.points) {
                rows.add(List.of(r, (long) p[0], RnnVsLstmVsGru.round(p[1]), RnnVsLstmVsGru.round(p[2]), "", ""));
            }
            rows.add(List.of(r, (long) curve.last(0), RnnVsLstmVsGru.round(curve.last(1)), "", RnnVsLstmVsGru.round(100 * rep.bleu()),
                    RnnVsLstmVsGru.round(rep.freeRunning().perplexity())));
            log.accept(String.format(Locale.ROOT, "ratio %.1f: teacher-forced val loss %.4f, free-running BLEU %.2f, exact match %.1f%%",
                    r, curve.last(2), 100 * rep.bleu(), 100 * rep.accuracy().exactMatch()));
        }
        return result(quick, () -> c.test().size(), LabData.of(COLUMNS, rows));
    }

    @Override
    public Optional<LabResult> fromData(boolean quick, LabData data) {
        Size z = size(quick);
        return Optional.of(result(quick, () -> Math.min(z.testPairs(), TranslationData.read(z.data()).test().size()),
                data.expect(name(), COLUMNS)));
    }

    /**
     * Findings and figures from the data table: each ratio's curve rows, then its row of
     * free-running results. {@code testPairs} is asked for once the table has been checked.
     */
    private LabResult result(boolean quick, IntSupplier testPairs, LabData data) {
        Size z = size(quick);
        List<Series> bySteps = new ArrayList<>();
        List<Series> byTime = new ArrayList<>();
        double[][] fin = new double[RATIOS.length][];                    // {tf val loss, BLEU, free-running ppl}
        for (int i = 0; i < RATIOS.length; i++) {
            List<double[]> points = new ArrayList<>();                    // {step, seconds, tf val loss}
            double[] end = null;                                           // {BLEU, free-running ppl}
            for (int j = 0; j < data.rows().size(); j++) {
                if (data.number(j, "ratio") != RATIOS[i]) {
                    continue;
                }
                if (!data.blank(j, "val_loss_teacher_forced")) {
                    points.add(new double[] {data.number(j, "step"), data.number(j, "train_seconds"), data.number(j, "val_loss_teacher_forced")});
                } else {
                    end = new double[] {data.number(j, "bleu_free_running"), data.number(j, "perplexity_free_running")};
                }
            }
            if (points.isEmpty() || end == null) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s has no %s for ratio %.1f; expected its validation curve and a row of free-running results", data.where(),
                        points.isEmpty() ? "validation curve" : "free-running results", RATIOS[i]));
            }
            long last = (long) points.getLast()[0];
            if (last != z.steps()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: ratio %.1f ends at step %d, but the %s size trains %d; %s",
                        data.where(), RATIOS[i], last, LabData.size(quick), z.steps(), LabData.otherSize(quick)));
            }
            String name = String.format(Locale.ROOT, "ratio %.1f", RATIOS[i]);
            bySteps.add(new Series(name, column(points, 0), column(points, 2)));
            byTime.add(new Series(name, column(points, 1), column(points, 2)));
            fin[i] = new double[] {points.getLast()[2], end[0], end[1]};
        }
        String setup = String.format(Locale.ROOT, "%s; %s %s, hidden %d; %d steps of %d pairs, AdamW 3e-3; greedy decoding of %d test pairs",
                z.data(), z.model().cell().id(), z.model().attention().id(), z.model().hiddenSize(), z.steps(), z.batch(), testPairs.getAsInt());
        // the step at which each run first reaches the final loss of the slowest
        double goal = Math.max(fin[0][0], Math.max(fin[1][0], fin[2][0]));
        List<Finding> findings = List.of(
                new Finding("Teacher forcing makes training converge faster (by teacher-forced loss)", setup,
                        String.format(Locale.ROOT, "final teacher-forced val loss: ratio 1.0 %.4f, 0.5 %.4f, 0.0 %.4f; steps to reach %.4f: %s / %s / %s",
                                fin[0][0], fin[1][0], fin[2][0], goal, stepsTo(bySteps.get(0), goal), stepsTo(bySteps.get(1), goal),
                                stepsTo(bySteps.get(2), goal)),
                        fin[0][0] <= fin[1][0] && fin[1][0] <= fin[2][0] ? "confirmed: loss ordered 1.0 < 0.5 < 0.0"
                                : fin[0][0] <= fin[2][0] ? "partly: 1.0 beats 0.0 but 0.5 is out of order" : "not confirmed"),
                new Finding("Exposure bias: a model that never saw its own mistakes translates worse on its own than its teacher-forced loss suggests",
                        setup, String.format(Locale.ROOT, "free-running BLEU 1.0: %.2f, 0.5: %.2f, 0.0: %.2f; free-running perplexity %.3f / %.3f / %.3f",
                                fin[0][1], fin[1][1], fin[2][1], fin[0][2], fin[1][2], fin[2][2]),
                        exposureVerdict(fin[0], fin[1])));
        return new LabResult(name(), "Teacher forcing: training speed against free-running quality", findings, COLUMNS, data.cells(),
                List.of(new Figure.Lines("val_loss_by_step", "Teacher-forced validation loss by step", "step", "val loss (nats/token)", false, true,
                                bySteps),
                        new Figure.Lines("val_loss_by_time", "Teacher-forced validation loss by training time", "training time (s)",
                                "val loss (nats/token)", false, true, byTime)));
    }

    /**
     * Exposure bias between always-forced (ratio 1.0) and half-forced (0.5) training, each given as
     * {teacher-forced val loss, free-running BLEU, free-running perplexity}: ratio 1.0 must have the
     * lower teacher-forced loss, and then be worse on its own by {@link #BLEU_MARGIN} BLEU points and
     * by {@link #PERPLEXITY_FACTOR} in free-running perplexity (confirmed), or by one of the two (partly).
     */
    static String exposureVerdict(double[] forced, double[] half) {
        if (forced[0] > half[0]) {
            return "not separated: ratio 0.5 also has the lower teacher-forced loss, so there is no gap to explain";
        }
        double bleuGap = half[1] - forced[1];
        double pplFactor = forced[2] / half[2];
        boolean bleu = bleuGap >= BLEU_MARGIN;
        boolean ppl = pplFactor >= PERPLEXITY_FACTOR;
        if (bleu && ppl) {
            return String.format(Locale.ROOT, "confirmed: despite a higher teacher-forced loss, ratio 0.5 translates better on its own "
                    + "(BLEU +%.2f, free-running perplexity %.2f× lower)", bleuGap, pplFactor);
        }
        if (ppl) {
            return String.format(Locale.ROOT, "partly: ratio 1.0's free-running perplexity is %.2f× ratio 0.5's despite its lower "
                    + "teacher-forced loss, but their greedy BLEU differs by %.2f (under the %.1f-point margin)", pplFactor, bleuGap, BLEU_MARGIN);
        }
        if (bleu) {
            return String.format(Locale.ROOT, "partly: ratio 0.5's greedy BLEU is %.2f higher despite its higher teacher-forced loss, but "
                    + "free-running perplexity does not separate them (%.2f× against the %.1f× needed)", bleuGap, pplFactor, PERPLEXITY_FACTOR);
        }
        return "not seen at this size: ratio 1.0 translates as well on its own (BLEU and free-running perplexity within the margins)";
    }

    private static double[] column(List<double[]> points, int k) {
        return points.stream().mapToDouble(p -> p[k]).toArray();
    }

    private static String stepsTo(Series s, double goal) {
        for (int i = 0; i < s.y().length; i++) {
            if (s.y()[i] <= goal) {
                return Long.toString((long) s.x()[i]);
            }
        }
        return "never";
    }
}
