package seqlab.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import seqlab.data.LmBatch;
import seqlab.data.LmDataset;

import seqlab.kernel.Parallel;
import seqlab.model.RnnLanguageModel;
import seqlab.model.RnnLmConfig;
import seqlab.nn.Module;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.text.CharTokenizer;
import seqlab.train.AdamW;
import seqlab.train.Evaluation;
import seqlab.train.GradClip;
import seqlab.train.LmTask;
import seqlab.train.TrainConfig;
import seqlab.train.TrainListener;
import seqlab.train.Trainer;
import seqlab.train.TrainingTask;

/**
 * "Transformers train in parallel, and much faster than RNNs": an LSTM language model and a causal
 * Transformer ({@link TransformerProbe}) of the same parameter count on the same characters.
 * Measured: training tokens/s against the sequence length T at a fixed number of tokens per
 * batch; the speed-up from one thread to all of the pool's; wall time to a validation loss both
 * reach; and, from the configurations, the sequential critical path of a forward pass (an L-layer
 * LSTM's cell (t, l) waits on (t − 1, l) and (t, l − 1): a chain of T + L − 1 steps, T·L cell steps
 * in all, which seqlab runs layer by layer; the Transformer's chain is its L layers, each one batch
 * of matrix products over all T positions at once).
 *
 * <p>Both models train through the Trainer with the same settings (AdamW with PyTorch's betas,
 * weight decay 0.1 on matrices, warm-up and cosine decay, clip 1), timed by wall clock with the
 * evaluations left out. The tokens/s measurements time bare training steps as {@code seqlab bench}
 * does, and change the pool's thread count between them (restored after).
 */
public final class ParallelVsSequential implements Experiment {

    static final Path SHAKESPEARE = RnnVsLstmVsGru.SHAKESPEARE;
    static final int HEADS = 4;

    @Override
    public String name() {
        return "parallel-vs-sequential";
    }

    @Override
    public String description() {
        return "LSTM and causal Transformer LMs of equal size: tokens/s against T, 1 → 2 threads, wall time to a validation loss";
    }

    record Size(String data, int lstmLayers, int lstmHidden, int embed, int tfLayers, int tokensPerBatch, int[] lengths, int timedSteps,
                int trainSeq, int trainBatch, int trainSteps, int evalEvery, int evalBatches) {}

    static Size size(boolean quick) {
        return quick ? new Size("builtin:sentences", 1, 64, 32, 2, 1024, new int[] {16, 32, 64}, 3, 32, 16, 60, 20, 4)
                : new Size(SHAKESPEARE.toString(), 2, 256, 64, 4, 4096, new int[] {32, 64, 128, 256, 512, 1024}, 7, 128, 32, 1000, 50, 20);
    }

    static final int WARM_UP = 2;
    static final float LSTM_LR = 3e-3f;          // the rnn-vs-lstm-vs-gru learning rate
    static final float TRANSFORMER_LR = 1e-3f;   // nanoGPT's shakespeare_char recipe

    /** One of the two models with what training it needs. */
    private record Contender(String name, Module model, float lr, Evaluation.WindowLoss loss, long parameters) {}

    @Override
    public LabResult run(boolean quick, Consumer<String> log) {
        Size z = size(quick);
        String text = RnnVsLstmVsGru.corpus(z.data());
        CharTokenizer tok = CharTokenizer.fit(text);
        LmDataset data = LmDataset.split(tok.encode(text));
        int v = tok.vocabSize();
        List<List<Object>> rows = new ArrayList<>();
        List<Contender> models = contenders(z, v, 1);
        int threads = Parallel.threads();
        List<Series> speed = new ArrayList<>();
        double[][] perSecond = new double[2][z.lengths().length];
        for (Contender c : models) {
            warmUp(c, data, z);
        }
        for (int i = 0; i < z.lengths().length; i++) {                 // the two models alternate, so drift in the machine's speed hits both
            int t = z.lengths()[i];
            for (int m = 0; m < 2; m++) {
                Contender c = models.get(m);
                perSecond[m][i] = tokensPerSecond(c, data, t, Math.max(1, z.tokensPerBatch() / t), z.timedSteps());
                rows.add(List.of("tokens_per_s", c.name(), t, threads, "", RnnVsLstmVsGru.round(perSecond[m][i]), ""));
                log.accept(String.format(Locale.ROOT, "%s T=%d: %,.0f training tokens/s", c.name(), t, perSecond[m][i]));
            }
        }
        for (int m = 0; m < 2; m++) {
            speed.add(new Series(models.get(m).name(), Arrays.stream(z.lengths()).asDoubleStream().toArray(), perSecond[m]));
        }
        double[][] scaling = new double[2][2];                          // [model][1 thread, all]
        for (int m = 0; m < 2; m++) {
            Contender c = models.get(m);
            for (int k = 0; k < 2; k++) {
                int n = k == 0 ? 1 : threads;
                Parallel.setThreads(n);
                try {
                    scaling[m][k] = tokensPerSecond(c, data, z.trainSeq(), z.trainBatch(), z.timedSteps());
                } finally {
                    Parallel.setThreads(threads);
                }
                rows.add(List.of("tokens_per_s_threads", c.name(), z.trainSeq(), n, "", RnnVsLstmVsGru.round(scaling[m][k]), ""));
                log.accept(String.format(Locale.ROOT, "%s T=%d, %d thread(s): %,.0f tokens/s", c.name(), z.trainSeq(), n, scaling[m][k]));
            }
        }
        List<Contender> fresh = contenders(z, v, 1);                  // trained from the same initialisation as a new run would be
        List<double[][]> curves = new ArrayList<>();
        List<Series> byTime = new ArrayList<>();
        for (Contender c : fresh) {
            double[][] curve = train(c, data, tok, z, log);
            curves.add(curve);
            for (double[] p : curve) {
                rows.add(List.of("val_loss", c.name(), z.trainSeq(), threads, (long) p[0], RnnVsLstmVsGru.round(p[2]), RnnVsLstmVsGru.round(p[1])));
            }
            byTime.add(new Series(c.name(), column(curve, 1), column(curve, 2)));
        }
        double target = Math.max(min(curves.get(0)), min(curves.get(1)));
        double tLstm = timeTo(curves.get(0), target);
        double tTf = timeTo(curves.get(1), target);
        String setup = String.format(Locale.ROOT, "%s, characters; LSTM %d × %d (embedding %d, %,d parameters), causal Transformer %d pre-LN "
                + "layers of d_model %d, %d heads, FFN 4·d, GELU, sinusoidal positions (%,d parameters); AdamW (β₁ 0.9, β₂ 0.999, weight decay "
                + "0.1 on matrices), lr %s (LSTM) / %s (Transformer) with 5%% warm-up and cosine decay to a tenth, clip 1, through the Trainer; "
                + "%d thread(s)", z.data(), z.lstmLayers(), z.lstmHidden(), z.embed(), models.get(0).parameters(),
                z.tfLayers(), width(z, v), HEADS, models.get(1).parameters(), LSTM_LR, TRANSFORMER_LR, threads);
        List<Finding> findings = List.of(
                new Finding("The Transformer trains faster per token than the LSTM, and more so as T grows (no step waits on the one before)",
                        setup + String.format(Locale.ROOT, "; %,d tokens per batch, T = %s, median of %d steps", z.tokensPerBatch(),
                                Finding.values(z.lengths()), z.timedSteps()),
                        String.format(Locale.ROOT, "Transformer / LSTM tokens/s: %s", ratios(perSecond, z.lengths())),
                        verdictSpeed(java.util.stream.IntStream.range(0, z.lengths().length).mapToDouble(i -> perSecond[1][i] / perSecond[0][i])
                                .toArray())),
                new Finding("The Transformer's training parallelises across cores, the LSTM's less", setup
                        + String.format(Locale.ROOT, "; batch %d × T %d, 1 and %d thread(s)", z.trainBatch(), z.trainSeq(), threads),
                        String.format(Locale.ROOT, "speed-up from 1 to %d thread(s): LSTM %.2f×, Transformer %.2f×", threads,
                                scaling[0][1] / scaling[0][0], scaling[1][1] / scaling[1][0]),
                        threads < 2 ? "not measured: one thread" : verdictThreads(scaling[0][1] / scaling[0][0], scaling[1][1] / scaling[1][0])),
                new Finding("The Transformer reaches a given validation loss in much less wall time", setup
                        + String.format(Locale.ROOT, "; %d steps of %d × %d each, validation on %d fixed batches every %d steps (wall time of "
                                + "training, evaluations left out); target %.4f, the higher of the two lowest losses", z.trainSteps(), z.trainBatch(), z.trainSeq(), z.evalBatches(),
                                z.evalEvery(), target),
                        String.format(Locale.ROOT, "wall time to %.4f: LSTM %.1f s, Transformer %.1f s; lowest validation loss LSTM %.4f, "
                                + "Transformer %.4f", target, tLstm, tTf, min(curves.get(0)), min(curves.get(1))),
                        verdictTime(tLstm, tTf)),
                new Finding("A recurrent layer is sequential in T, a Transformer only in its layers", setup,
                        String.format(Locale.ROOT, "the longest chain of dependent steps in a forward pass at T = %s: LSTM T + L − 1 = %s "
                                + "(T·L = %s cell steps in all, run one after another here); Transformer L = %d layers at every T",
                                Finding.values(z.lengths()), Finding.values(Arrays.stream(z.lengths()).map(t -> t + z.lstmLayers() - 1).toArray()),
                                Finding.values(Arrays.stream(z.lengths()).map(t -> t * z.lstmLayers()).toArray()), z.tfLayers()),
                        "confirmed by construction (counted from the models, not timed); what it is worth on this machine is the speed measured above"));
        return new LabResult(name(), "Parallel vs sequential training: an LSTM and a Transformer of equal size", findings,
                List.of("measure", "model", "T", "threads", "step", "value", "train_seconds"), rows,
                List.of(new Figure.Lines("tokens_per_s_by_length", "Training speed against sequence length (" + String.format(Locale.ROOT,
                                "%,d", z.tokensPerBatch()) + " tokens per batch)", "sequence length T", "training tokens/s", true, true, speed),
                        new Figure.Lines("val_loss_by_time", "Validation loss against training wall time", "training time (s, wall)",
                                "val loss (nats/char)", false, false, byTime)));
    }

    /** The LSTM LM and the Transformer of the same parameter count, initialised from {@code seed}. */
    private static List<Contender> contenders(Size z, int vocab, long seed) {
        RnnLmConfig lc = new RnnLmConfig(CellType.LSTM, vocab, z.embed(), z.lstmHidden(), z.lstmLayers(), 0f, false);
        RnnLanguageModel lstm = new RnnLanguageModel(lc, new Rng(seed));
        TransformerProbe tf = new TransformerProbe(vocab, 0, width(z, vocab), HEADS, z.tfLayers(), vocab, new Rng(seed));
        return List.of(new Contender("LSTM", lstm, LSTM_LR, lstm::loss, lstm.parameterCount()),
                new Contender("Transformer", tf, TRANSFORMER_LR, tf::loss, tf.parameterCount()));
    }

    static int width(Size z, int vocab) {
        long target = RnnLanguageModel.parameterCount(new RnnLmConfig(CellType.LSTM, vocab, z.embed(), z.lstmHidden(), z.lstmLayers(), 0f, false));
        return TransformerProbe.widthFor(target, vocab, 0, HEADS, z.tfLayers(), vocab);
    }

    /** Training steps for at least {@value #WARM_UP_SECONDS} s (and 5 steps): the JIT compiles the model's kernels before it is timed. */
    private static void warmUp(Contender c, LmDataset data, Size z) {
        AdamW opt = new AdamW(c.model().parameters(), TrainConfig.BETA1, TrainConfig.BETA2, TrainConfig.EPS, 0.1f, true, true);
        Rng rng = new Rng(3);
        long t0 = System.nanoTime();
        for (int s = 0; s < 5 || System.nanoTime() - t0 < WARM_UP_SECONDS * 1_000_000_000L; s++) {
            step(c, opt, LmDataset.randomBatch(data.train(), z.trainBatch(), z.trainSeq(), rng), 1e-4f);
        }
    }

    static final int WARM_UP_SECONDS = 3;

    /** Median training tokens/s of full steps (loss, backward, clip, AdamW) at batch × T, after warm-up; the weights move. */
    private static double tokensPerSecond(Contender c, LmDataset data, int time, int batch, int steps) {
        AdamW opt = new AdamW(c.model().parameters(), TrainConfig.BETA1, TrainConfig.BETA2, TrainConfig.EPS, 0.1f, true, true);
        Rng rng = new Rng(7);
        double[] t = new double[steps];
        for (int s = -WARM_UP; s < steps; s++) {
            LmBatch b = LmDataset.randomBatch(data.train(), batch, time, rng);
            long t0 = System.nanoTime();
            step(c, opt, b, 1e-4f);
            if (s >= 0) {
                t[s] = (System.nanoTime() - t0) / 1e9;
            }
        }
        Arrays.sort(t);
        return (double) batch * time / t[steps / 2];
    }

    private static double step(Contender c, AdamW opt, LmBatch b, float lr) {
        opt.zeroGrad();
        Tensor loss = c.loss().of(b.x(), b.y(), b.batch(), b.time(), null);
        loss.backward();
        GradClip.clip(c.model().parameters(), 1f);
        opt.step(lr);
        return loss.item();
    }

    /**
     * Trains from scratch through the Trainer; rows {step, training wall seconds so far (evaluations
     * left out, checkpoints in), validation loss}, the first at step 0 before training.
     */
    private static double[][] train(Contender c, LmDataset data, CharTokenizer tok, Size z, Consumer<String> log) {
        TrainConfig cfg = new TrainConfig(z.trainSteps(), z.trainBatch(), z.trainSeq(), "adamw", c.lr(), "cosine", z.trainSteps() / 20,
                0.1f, 0f, 1f, z.evalEvery(), z.evalBatches(), 1);
        TrainingTask task = c.model() instanceof RnnLanguageModel lstm ? new LmTask(lstm, tok, data, cfg, z.data())
                : new ProbeLmTask((TransformerProbe) c.model(), tok.vocabSize(), data, cfg);
        WallClock clock = new WallClock(c.name(), log);
        clock.points.add(new double[] {0, 0, task.validationLoss()});
        Scratch.use(dir -> Trainer.start(task, Map.of("source", z.data()), cfg, dir, clock).run());
        return clock.points.toArray(new double[0][]);
    }

    /** Records the validation curve against the wall time of training, the time spent evaluating left out. */
    private static final class WallClock implements TrainListener {
        private final String name;
        private final Consumer<String> log;
        final List<double[]> points = new ArrayList<>();
        private double elapsed;
        private long stepEnded;
        private double evaluating;

        WallClock(String name, Consumer<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public void onStep(long step, long totalSteps, double loss, float lr, double tokensPerSecond, double elapsedSeconds) {
            elapsed = elapsedSeconds;
            stepEnded = System.nanoTime();
        }

        @Override
        public void onEval(long step, double trainLoss, double valLoss) {
            double training = elapsed - evaluating;                       // the Trainer's clock, less the evaluations before this one
            evaluating += (System.nanoTime() - stepEnded) / 1e9;         // this evaluation ran between the step's end and now
            points.add(new double[] {step, training, valLoss});
            log.accept(String.format(Locale.ROOT, "%s step %d: validation loss %.4f after %.1f s", name, step, valLoss, training));
        }
    }

    /** The first time (column 1) at which the loss (column 2) is at or below {@code target}. */
    static double timeTo(double[][] curve, double target) {
        for (double[] p : curve) {
            if (p[2] <= target) {
                return p[1];
            }
        }
        return Double.NaN;
    }

    private static double min(double[][] curve) {
        return Arrays.stream(curve).mapToDouble(p -> p[2]).min().orElse(Double.NaN);
    }

    private static double[] column(double[][] curve, int c) {
        return Arrays.stream(curve).mapToDouble(p -> p[c]).toArray();
    }

    private static String ratios(double[][] perSecond, int[] lengths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lengths.length; i++) {
            sb.append(String.format(Locale.ROOT, "%s%.2f× at T = %d", i == 0 ? "" : ", ", perSecond[1][i] / perSecond[0][i], lengths[i]));
        }
        return sb.toString();
    }

    /** Faster at every T measured, and the advantage grows from the shortest T to the longest. */
    static String verdictSpeed(double[] ratios) {
        double shortest = ratios[0];
        double longest = ratios[ratios.length - 1];
        if (Arrays.stream(ratios).allMatch(r -> r > 1) && longest > shortest) {
            return String.format(Locale.ROOT, "confirmed: %.2f× at the shortest T, %.2f× at the longest", shortest, longest);
        }
        if (longest > 1 || shortest > 1) {
            return String.format(Locale.ROOT, "partly: %.2f× at the shortest T, %.2f× at the longest", shortest, longest);
        }
        return String.format(Locale.ROOT, "not confirmed: the LSTM is faster per token here (%.2f×, %.2f×)", shortest, longest);
    }

    /** The Transformer gains at least 10% from the extra threads, and 0.1 more than the LSTM does. */
    static String verdictThreads(double lstm, double transformer) {
        if (transformer < 1.1) {
            return String.format(Locale.ROOT, "not confirmed: the Transformer gains %s from more threads at this size",
                    transformer < 1 ? "nothing" : "under 10%");
        }
        return transformer > lstm + 0.1 ? "confirmed: the Transformer gains more from the extra threads"
                : "not confirmed: the LSTM gains as much or more (its batched matrix products split over the threads too)";
    }

    /** "Much faster": at least twice as fast to the target loss. */
    static String verdictTime(double lstm, double transformer) {
        if (Double.isNaN(lstm) || Double.isNaN(transformer)) {
            return "not measured: a model did not reach the target";
        }
        double r = lstm / transformer;
        return r >= 2 ? String.format(Locale.ROOT, "confirmed: %.1f× less wall time", r)
                : r > 1 ? String.format(Locale.ROOT, "partly: faster (%.2f× less wall time), not twice as fast", r)
                : String.format(Locale.ROOT, "not confirmed: the LSTM got there first (%.2f×)", 1 / r);
    }

}
