package seqlab.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import seqlab.io.AtomicFiles;
import seqlab.io.FormatException;
import seqlab.io.JsonFields;
import seqlab.io.Safetensors;
import seqlab.model.ModelDirectory;
import seqlab.nn.Module;
import seqlab.nn.Parameter;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.Workspace;

/**
 * Trains a {@link TrainingTask} (a language model, a seq2seq model): per step a batch, forward, cross-entropy, backward, optional
 * clipping, an optimizer step at the schedule's learning rate. Every {@code evalEvery} steps and
 * at the end it estimates the validation loss, writes a checkpoint and the model directory, and
 * with {@code keepBest} also the model of the lowest validation loss so far ({@link BestModel}).
 *
 * <p>Randomness comes from two generators seeded from the run's seed, one for dropout and one for
 * batches; both are checkpointed with the weights, the optimizer state and the step, so a resumed
 * run continues bit for bit like one that never stopped.
 */
public final class Trainer {

    private final TrainingTask task;
    private final Map<String, Object> dataSpec;
    private final TrainConfig cfg;
    private final Path out;
    private final TrainListener listener;
    private final List<Parameter> params;
    private final Optimizer opt;
    private final Rng dropoutRng;
    private final Rng dataRng;
    Workspace workspace = new Workspace();                 // each step's temporaries; a test may swap in a poisoning one
    private long step;
    private boolean continuesBest;                         // resumed, or trained before: the kept best is this run's

    private Trainer(TrainingTask task, Map<String, Object> dataSpec, TrainConfig cfg, Path out, TrainListener listener) {
        this.task = task;
        this.dataSpec = dataSpec;
        this.cfg = cfg;
        this.out = out;
        this.listener = listener == null ? new TrainListener() {} : listener;
        this.params = task.model().parameters();
        this.opt = switch (cfg.optimizer()) {
            case "adamw" -> new AdamW(params, TrainConfig.BETA1, cfg.beta2(), TrainConfig.EPS, cfg.weightDecay(), true, true);
            case "adam" -> new AdamW(params, TrainConfig.BETA1, cfg.beta2(), TrainConfig.EPS, cfg.weightDecay(), false, true);
            default -> new Sgd(params, cfg.momentum(), cfg.weightDecay(), true);
        };
        this.dropoutRng = new Rng(cfg.seed() + 1);
        this.dataRng = new Rng(cfg.seed() + 2);
    }

    /** A new run; the task's model should be freshly initialised from {@code new Rng(cfg.seed())}. */
    public static Trainer start(TrainingTask task, Map<String, Object> dataSpec, TrainConfig cfg, Path out, TrainListener listener) {
        return new Trainer(task, dataSpec, cfg, out, listener);
    }

    /** The saved state of a checkpoint: what a resumed run needs to rebuild its model and data. */
    public record Saved(Path dir, long step, JsonFields model, JsonFields train, Map<String, Object> data, JsonFields task) {}

    public static Saved readCheckpoint(Checkpoint.Found found) {
        JsonFields t = ModelDirectory.readJson(found.dir().resolve(Checkpoint.TRAINER));
        return new Saved(found.dir(), found.step(), t.object("model"), t.object("train"), t.object("data").map(),
                t.has("task") ? t.object("task") : new JsonFields(Map.of(), found.dir().resolve(Checkpoint.TRAINER) + ": task"));
    }

    /** Continues a run from a checkpoint; {@code cfg} may differ from the saved one only in steps. */
    public static Trainer resume(Saved saved, TrainingTask task, TrainConfig cfg, Path out, TrainListener listener) {
        Trainer t = new Trainer(task, saved.data(), cfg, out, listener);
        task.loadWeights(Safetensors.open(saved.dir().resolve(Checkpoint.MODEL)));
        Checkpoint.loadOptimizer(saved.dir(), t.opt, saved.step());
        JsonFields tr = ModelDirectory.readJson(saved.dir().resolve(Checkpoint.TRAINER));
        t.dropoutRng.setState(longs(tr, "rng_dropout"));
        t.dataRng.setState(longs(tr, "rng_data"));
        t.step = saved.step();
        t.continuesBest = true;
        return t;
    }

    private static long[] longs(JsonFields j, String key) {
        List<Object> l = j.list(key);
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof String s)) {
                throw new FormatException(j.where() + ": " + key + " must hold strings of 64-bit integers");
            }
            out[i] = Long.parseLong(s);
        }
        return out;
    }

    public long step() {
        return step;
    }

    public TrainConfig config() {
        return cfg;
    }

    /** Trains up to {@code cfg.steps()}; returns the last validation estimate (NaN if none ran). */
    public double run() {
        return runUntil(cfg.steps());
    }

    /**
     * Trains up to step {@code stopAt} (≤ cfg.steps()) as if the run were stopped there: the
     * schedule is still the one for cfg.steps(). Used to test that resuming is exact.
     */
    public double runUntil(long stopAt) {
        Module model = task.model();
        model.train(true);
        AtomicFiles.deleteStaleTemps(out);                    // left by a run that was killed while saving
        Checkpoint.deleteUnfinished(out);
        LrSchedule schedule = cfg.lrSchedule();
        listener.onStart(step, cfg.steps(), model.parameterCount());
        long t0 = System.nanoTime();
        double lastVal = Double.NaN;
        double recent = Double.NaN;
        long tokens = 0;
        double best = Double.NaN;
        if (cfg.keepBest()) {
            BestModel.requireOurs(out);
            if (continuesBest) {                               // a new run's best starts afresh; a resumed run's continues
                BestModel.recover(out);
                best = BestModel.read(out).map(BestModel.Kept::valLoss).orElse(Double.POSITIVE_INFINITY);
            } else {
                BestModel.delete(out);
                best = Double.POSITIVE_INFINITY;
            }
            continuesBest = true;                              // a later runUntil continues this run's best
        }
        try (TrainLog log = TrainLog.open(out, step)) {
            while (step < Math.min(stopAt, cfg.steps())) {
                float lr = schedule.at(step);
                float lv;
                long stepTokens;
                opt.zeroGrad();
                lv = 0;
                stepTokens = 0;
                for (int micro = 0; micro < cfg.gradAccum(); micro++) {
                    try (Workspace.Step s = workspace.step()) {    // the micro-batch's temporaries, reused by the next
                        TrainingTask.StepLoss sl = task.loss(step, dataRng, dropoutRng);
                        stepTokens += sl.tokens();
                        Tensor loss = sl.loss();
                        float l = loss.item();
                        if (!Float.isFinite(l)) {
                            throw new TrainingDivergedException("the training loss became " + l + " at step " + (step + 1)
                                    + "; lower --lr or set --clip (the last checkpoint is untouched)");
                        }
                        lv += l / cfg.gradAccum();
                        // the step's gradient is the mean over its micro-batches: each backward adds 1/N of its own
                        (cfg.gradAccum() == 1 ? loss : seqlab.tensor.PointwiseOps.scale(loss, 1f / cfg.gradAccum())).backward();
                    }
                }
                try (Workspace.Step s = workspace.step()) {
                    double norm = cfg.clip() > 0 ? GradClip.clip(params, cfg.clip()) : GradClip.globalNorm(params);
                    if (!Double.isFinite(norm)) {
                        throw new TrainingDivergedException("the gradient norm became " + norm + " at step " + (step + 1)
                                + "; lower --lr or set --clip (the last checkpoint is untouched)");
                    }
                    opt.step(lr);
                }
                step++;
                recent = Double.isNaN(recent) ? lv : 0.9 * recent + 0.1 * lv;
                double elapsed = (System.nanoTime() - t0) / 1e9;
                tokens += stepTokens;
                double tps = tokens / Math.max(elapsed, 1e-9);
                listener.onStep(step, cfg.steps(), lv, lr, tps, elapsed);
                boolean evalNow = step == cfg.steps() || (cfg.evalEvery() > 0 && step % cfg.evalEvery() == 0);
                double val = Double.NaN;
                if (evalNow) {
                    val = task.validationLoss();
                    lastVal = val;
                    listener.onEval(step, recent, val);
                }
                log.row(step, lr, lv, val, tps, elapsed);
                if (evalNow) {
                    log.flush();
                    best = keepIfBest(val, best);                  // before the checkpoint: a resume from it never misses a best
                    checkpoint();
                }
            }
        }
        if (Double.isNaN(lastVal) && step == cfg.steps()) {
            // nothing left to train (--steps 0, or resumed at its last step): still evaluate and save
            lastVal = task.validationLoss();
            listener.onEval(step, Double.NaN, lastVal);
            keepIfBest(lastVal, best);
            checkpoint();
        }
        return lastVal;
    }

    /** With keepBest, a validation loss below {@code best} replaces the kept model; returns the lower. */
    private double keepIfBest(double val, double best) {
        if (!cfg.keepBest() || !(val < best)) {
            return best;
        }
        listener.onBest(step, val, BestModel.write(out, task, step, val));
        return val;
    }

    private void checkpoint() {
        Map<String, Object> trainer = new LinkedHashMap<>();
        trainer.put("step", step);
        trainer.put("rng_dropout", strings(dropoutRng.state()));
        trainer.put("rng_data", strings(dataRng.state()));
        trainer.put("model", task.modelConfig());
        trainer.put("train", cfg.toJson());
        trainer.put("data", dataSpec);
        trainer.put("task", task.settings());
        Map<String, Safetensors.Entry> optState = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : opt.state().entrySet()) {
            optState.put(e.getKey(), Safetensors.Entry.f32(e.getValue(), e.getValue().length));
        }
        // the model directory first: once a checkpoint is complete, the config and tokenizer a resume reads exist
        task.save(out);
        Path dir = Checkpoint.write(out, step, task.weights(), optState, trainer);
        listener.onCheckpoint(step, dir);
    }

    private static List<Object> strings(long[] v) {
        List<Object> out = new ArrayList<>();
        for (long x : v) {
            out.add(Long.toString(x));
        }
        return out;
    }
}
