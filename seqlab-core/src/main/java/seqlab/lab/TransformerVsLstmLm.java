package seqlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import seqlab.data.LmDataset;
import seqlab.model.Gpt;
import seqlab.model.GptConfig;
import seqlab.model.LanguageModel;
import seqlab.model.RnnLanguageModel;
import seqlab.model.RnnLmConfig;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.text.CharTokenizer;
import seqlab.train.Evaluation;
import seqlab.train.LmTask;
import seqlab.train.TrainConfig;
import seqlab.train.Trainer;

/**
 * "The Transformer replaced the LSTM as the language model": a GPT ({@link Gpt}) and an LSTM language
 * model of equal parameter count (GPT's width chosen to match the LSTM's count) on the same
 * characters, with the same steps, batches, optimizer (AdamW, nanoGPT's β₂ 0.99 and weight decay
 * 0.1 on matrices, warm-up and cosine decay, clip 1) and seed, both through the Trainer.
 * Measured: validation loss against steps and against training time (each run's thread CPU time,
 * evaluations left out), the exact validation loss, and the mean loss at each position of a T-token
 * window read afresh: how much each model uses the earlier tokens of its context; and the difference
 * of the two at each position (both read the same windows, so the text's own variation cancels).
 */
public final class TransformerVsLstmLm implements Experiment {

    @Override
    public String name() {
        return "transformer-vs-lstm-lm";
    }

    @Override
    public String description() {
        return "GPT and LSTM language models of equal size: validation loss against steps and time, loss at each context position "
                + "and its difference";
    }

    /** The sizes of one run: the LSTM's, GPT's depth and heads (its width matches the LSTM's parameters), and the training. */
    record Size(String data, int lstmLayers, int lstmHidden, int embed, int gptLayers, int gptHeads, int seq, int batch, int steps,
                int evalEvery, float lr, int windows) {}

    static Size size(boolean quick) {
        return quick ? new Size("builtin:sentences", 1, 64, 32, 2, 2, 32, 16, 80, 20, 3e-3f, 64)
                : new Size(RnnVsLstmVsGru.SHAKESPEARE.toString(), 2, 256, 64, 4, 4, 128, 32, 2500, 125, 2e-3f, 800);
    }

    @Override
    public LabResult run(boolean quick, Consumer<String> log) {
        Size z = size(quick);
        String text = RnnVsLstmVsGru.corpus(z.data());
        CharTokenizer tok = CharTokenizer.fit(text);
        LmDataset data = LmDataset.split(tok.encode(text));
        int v = tok.vocabSize();
        RnnLmConfig lstmConfig = new RnnLmConfig(CellType.LSTM, v, z.embed(), z.lstmHidden(), z.lstmLayers(), 0f, false);
        long target = RnnLanguageModel.parameterCount(lstmConfig);
        GptConfig gptConfig = gptFor(target, v, z);
        List<String> names = List.of("GPT", "LSTM");
        List<java.util.function.Supplier<Run>> jobs = new ArrayList<>();
        for (String name : names) {
            jobs.add(() -> {
                LanguageModel model = name.equals("GPT") ? new Gpt(gptConfig, new Rng(1)) : new RnnLanguageModel(lstmConfig, new Rng(1));
                log.accept(String.format(Locale.ROOT, "%s: %,d parameters, %d steps", name, model.module().parameterCount(), z.steps()));
                TrainConfig cfg = new TrainConfig(z.steps(), z.batch(), z.seq(), "adamw", z.lr(), "cosine", z.steps() / 20, 0.1f, 0f, 1f,
                        z.evalEvery(), quick ? 5 : 20, 1, false, 0.99, z.lr() / 10, 1);
                Curve c = new Curve(name, log);
                Scratch.use(dir -> Trainer.start(new LmTask(model, tok, data, cfg, z.data()), Map.of("source", z.data()), cfg, dir, c).run());
                double exact = Evaluation.full(model, data.val(), z.seq()).mean();
                double[] byPosition = Evaluation.lossByPosition(model, data.val(), z.seq(), z.windows(), 16);
                log.accept(String.format(Locale.ROOT, "%s: validation loss %.4f (exact) after %.0f s", name, exact, c.last(1)));
                return new Run(model.module().parameterCount(), c, exact, byPosition);
            });
        }
        List<Run> runs = Jobs.run(jobs);
        List<Series> bySteps = new ArrayList<>();
        List<Series> byTime = new ArrayList<>();
        List<Series> byPosition = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        double[] positions = new double[z.seq()];
        for (int t = 0; t < positions.length; t++) {
            positions[t] = t;
        }
        for (int k = 0; k < names.size(); k++) {
            Run r = runs.get(k);
            bySteps.add(new Series(names.get(k), r.curve().column(0), r.curve().column(2)));
            byTime.add(new Series(names.get(k), r.curve().column(1), r.curve().column(2)));
            byPosition.add(new Series(names.get(k), positions, r.byPosition()));
            for (double[] p : r.curve().points) {
                rows.add(List.of("curve", names.get(k), r.parameters(), (long) p[0], RnnVsLstmVsGru.round(p[1]), RnnVsLstmVsGru.round(p[2])));
            }
            for (int t = 0; t < z.seq(); t++) {
                rows.add(List.of("position", names.get(k), r.parameters(), t, "", RnnVsLstmVsGru.round(r.byPosition()[t])));
            }
        }
        Run gpt = runs.get(0);
        Run lstm = runs.get(1);
        double[] difference = new double[z.seq()];                     // both read the same windows: the text's own ups and downs cancel
        for (int t = 0; t < difference.length; t++) {
            difference[t] = gpt.byPosition()[t] - lstm.byPosition()[t];
        }
        String setup = String.format(Locale.ROOT, "%s, char-level; GPT %d layers × %d heads, n_embd %d (%,d parameters); LSTM %d layer(s) × %d, "
                        + "embedding %d (%,d parameters); %d steps of %d×%d, AdamW lr %s (β₂ 0.99, weight decay 0.1), same seed; runs spread "
                        + "over %d thread(s), one core each; training time is the CPU time of each run's thread, evaluations left out",
                z.data(), gptConfig.nLayer(), gptConfig.nHead(), gptConfig.nEmbd(), gpt.parameters(), z.lstmLayers(), z.lstmHidden(),
                z.embed(), lstm.parameters(), z.steps(), z.batch(), z.seq(), z.lr(), Math.min(2, seqlab.kernel.Parallel.threads()));
        int early = Math.max(1, z.seq() / 16);
        double gptGain = gain(gpt.byPosition(), early);
        double lstmGain = gain(lstm.byPosition(), early);
        List<Finding> findings = List.of(
                new Finding("A Transformer language model beats an LSTM of the same size", setup,
                        String.format(Locale.ROOT, "exact validation loss GPT %.4f, LSTM %.4f nats/char (GPT − LSTM = %+.4f); training CPU time "
                                + "GPT %.0f s, LSTM %.0f s", gpt.exactValLoss(), lstm.exactValLoss(), gpt.exactValLoss() - lstm.exactValLoss(),
                                gpt.curve().last(1), lstm.curve().last(1)),
                        gpt.exactValLoss() < lstm.exactValLoss() - 0.01 ? "confirmed: GPT ends lower"
                                : gpt.exactValLoss() <= lstm.exactValLoss() + 0.01 ? "not confirmed: within 0.01 nats/char"
                                : "not confirmed at this size: the LSTM ends lower"),
                new Finding("The Transformer makes more use of earlier context", setup + "; loss at each position of " + z.windows()
                                + " validation windows of " + z.seq() + " characters, each read from its start",
                        String.format(Locale.ROOT, "loss at positions %d–%d minus loss at positions %d–%d: GPT %.4f, LSTM %.4f nats/char; "
                                        + "at position 0 GPT %.4f, LSTM %.4f", early, 2 * early - 1, z.seq() / 2, z.seq() - 1, gptGain, lstmGain,
                                gpt.byPosition()[0], lstm.byPosition()[0]),
                        gptGain > lstmGain + 0.01 ? "confirmed: GPT's loss falls further with more context"
                                : Math.abs(gptGain - lstmGain) <= 0.01 ? "not confirmed: both gain the same (within 0.01)"
                                : "not confirmed at this size: the LSTM gains more"));
        return new LabResult(name(), "GPT vs LSTM language models at equal parameter count", findings,
                List.of("kind", "model", "parameters", "step_or_position", "train_seconds", "val_loss"), rows,
                List.of(new Figure.Lines("val_loss_by_step", "Validation loss by step (equal parameter count)", "step", "val loss (nats/char)",
                                false, false, bySteps),
                        Curve.lossByTime(byTime),
                        new Figure.Lines("loss_by_position", "Validation loss at each position of the context window", "position in window",
                                "loss (nats/char)", false, false, byPosition),
                        new Figure.Lines("loss_by_position_difference", "GPT's loss minus the LSTM's at each position (below 0: GPT better)",
                                "position in window", "GPT − LSTM (nats/char)", false, false,
                                List.of(new Series("GPT − LSTM", positions, difference), new Series("equal (0)", positions,
                                        new double[z.seq()])))));
    }

    /** Mean loss over positions [early, 2·early) minus the mean over the window's second half: what the later context buys. */
    static double gain(double[] byPosition, int early) {
        double a = 0;
        for (int t = early; t < 2 * early; t++) {
            a += byPosition[t];
        }
        double b = 0;
        int half = byPosition.length / 2;
        for (int t = half; t < byPosition.length; t++) {
            b += byPosition[t];
        }
        return a / early - b / (byPosition.length - half);
    }

    /** GPT of the size's depth and heads, block = T, width (a multiple of the heads) whose parameter count is closest to {@code target}. */
    static GptConfig gptFor(long target, int vocab, Size z) {
        GptConfig best = null;
        long bestDiff = Long.MAX_VALUE;
        for (int d = z.gptHeads(); d <= 2048; d += z.gptHeads()) {
            GptConfig c = GptConfig.of(vocab, z.seq(), d, z.gptLayers(), z.gptHeads(), 0f);
            long diff = Math.abs(Gpt.parameterCount(c) - target);
            if (diff < bestDiff) {
                best = c;
                bestDiff = diff;
            }
        }
        return best;
    }

    /** One model's run: its parameter count, validation curve, exact validation loss and loss by position. */
    private record Run(long parameters, Curve curve, double exactValLoss, double[] byPosition) {}
}
