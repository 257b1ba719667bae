package seqlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

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

    @Override
    public LabResult run(boolean quick, Consumer<String> log) {
        Size z = size(quick);
        TranslationRuns.Corpus c = TranslationRuns.corpus(z.data(), z.minFreq(), z.model().maxLength(), z.testPairs());
        List<Series> bySteps = new ArrayList<>();
        List<Series> byTime = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        double[][] fin = new double[RATIOS.length][];                    // {tf val loss, seconds, BLEU, free-running ppl, exact}
        TrainConfig cfg = new TrainConfig(z.steps(), z.batch(), 1, "adamw", 3e-3f, "cosine", z.steps() / 20, 0f, 0.9f, 1f,
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
        for (int i = 0; i < RATIOS.length; i++) {
            double r = RATIOS[i];
            TranslationRuns.Trained t = runs.get(i).trained();
            Seq2SeqEvaluation.Report rep = runs.get(i).report();
            String name = String.format(Locale.ROOT, "ratio %.1f", r);
            bySteps.add(new Series(name, t.curve().column(0), t.curve().column(2)));
            byTime.add(new Series(name, t.curve().column(1), t.curve().column(2)));
            for (double[] p : t.curve().points) {
                rows.add(List.of(r, (long) p[0], RnnVsLstmVsGru.round(p[1]), RnnVsLstmVsGru.round(p[2]), "", ""));
            }
            rows.add(List.of(r, (long) t.curve().last(0), RnnVsLstmVsGru.round(t.curve().last(1)), "", RnnVsLstmVsGru.round(100 * rep.bleu()),
                    RnnVsLstmVsGru.round(rep.freeRunning().perplexity())));
            fin[i] = new double[] {t.curve().last(2), t.curve().last(1), 100 * rep.bleu(), rep.freeRunning().perplexity(),
                    100 * rep.accuracy().exactMatch()};
            log.accept(String.format(Locale.ROOT, "ratio %.1f: teacher-forced val loss %.4f, free-running BLEU %.2f, exact match %.1f%%",
                    r, fin[i][0], fin[i][2], fin[i][4]));
        }
        String setup = String.format(Locale.ROOT, "%s; %s %s, hidden %d; %d steps of %d pairs, AdamW 3e-3; greedy decoding of %d test pairs",
                z.data(), z.model().cell().id(), z.model().attention().id(), z.model().hiddenSize(), z.steps(), z.batch(), c.test().size());
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
                                fin[0][2], fin[1][2], fin[2][2], fin[0][3], fin[1][3], fin[2][3]),
                        fin[1][2] > fin[0][2] ? "confirmed: ratio 0.5 translates better than 1.0 despite a higher teacher-forced loss"
                                : "not seen at this size: ratio 1.0 also translates best"));
        return new LabResult(name(), "Teacher forcing: training speed against free-running quality", findings,
                List.of("ratio", "step", "train_seconds", "val_loss_teacher_forced", "bleu_free_running", "perplexity_free_running"), rows,
                List.of(new Figure.Lines("val_loss_by_step", "Teacher-forced validation loss by step", "step", "val loss (nats/token)", false, true,
                                bySteps),
                        new Figure.Lines("val_loss_by_time", "Teacher-forced validation loss by training time", "training time (s)",
                                "val loss (nats/token)", false, true, byTime)));
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
