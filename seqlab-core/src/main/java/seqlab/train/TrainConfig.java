package seqlab.train;

import java.util.LinkedHashMap;
import java.util.Map;

import seqlab.io.JsonFields;

/**
 * How to train: steps, batch shape, optimizer, schedule, clipping, evaluation and seed.
 *
 * @param steps       optimizer steps in all (a resumed run continues up to this count)
 * @param batch       B, sequences per step
 * @param seq         T, tokens per sequence (full back-propagation through time over T)
 * @param optimizer   adamw, adam or sgd
 * @param lr          peak learning rate
 * @param schedule    constant or cosine (linear warm-up, cosine decay to lr/10 at the last step)
 * @param warmup      warm-up steps for cosine
 * @param weightDecay λ (matrices and embeddings only)
 * @param momentum    SGD momentum
 * @param clip        max global gradient norm, 0 = no clipping
 * @param evalEvery   evaluate and checkpoint every this many steps (0: only at the end)
 * @param evalBatches validation batches per evaluation
 * @param seed        seeds initialisation, dropout and batch sampling
 */
public record TrainConfig(int steps, int batch, int seq, String optimizer, float lr, String schedule, int warmup,
                          float weightDecay, float momentum, float clip, int evalEvery, int evalBatches, long seed) {

    public TrainConfig {
        if (steps < 0) {
            throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
        }
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be > 0, got " + batch);
        }
        if (seq <= 0) {
            throw new IllegalArgumentException("--seq must be > 0, got " + seq);
        }
        if (!optimizer.equals("adamw") && !optimizer.equals("adam") && !optimizer.equals("sgd")) {
            throw new IllegalArgumentException("--optimizer must be adamw, adam or sgd, got " + optimizer);
        }
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        }
        if (!schedule.equals("constant") && !schedule.equals("cosine")) {
            throw new IllegalArgumentException("--schedule must be constant or cosine, got " + schedule);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
        }
        if (!(clip >= 0) || !Float.isFinite(clip)) {
            throw new IllegalArgumentException("--clip must be >= 0 (0 = off), got " + clip);
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("--eval-every must be >= 0, got " + evalEvery);
        }
        if (evalBatches <= 0) {
            throw new IllegalArgumentException("--eval-batches must be > 0, got " + evalBatches);
        }
    }

    public LrSchedule lrSchedule() {
        return schedule.equals("constant") ? LrSchedule.constant(lr)
                : LrSchedule.cosine(lr, Math.min(warmup, steps), Math.max(steps, 1), lr / 10);
    }

    public TrainConfig withSteps(int n) {
        return new TrainConfig(n, batch, seq, optimizer, lr, schedule, warmup, weightDecay, momentum, clip, evalEvery, evalBatches, seed);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("batch", batch);
        m.put("seq", seq);
        m.put("optimizer", optimizer);
        m.put("lr", (double) lr);
        m.put("schedule", schedule);
        m.put("warmup", warmup);
        m.put("weight_decay", (double) weightDecay);
        m.put("momentum", (double) momentum);
        m.put("clip", (double) clip);
        m.put("eval_every", evalEvery);
        m.put("eval_batches", evalBatches);
        m.put("seed", seed);
        return m;
    }

    public static TrainConfig fromJson(JsonFields j) {
        return new TrainConfig(j.integer("steps", 0), j.integer("batch", 1), j.integer("seq", 1), j.string("optimizer"),
                (float) j.number("lr", 0, Double.MAX_VALUE), j.string("schedule"), j.integer("warmup", 0),
                (float) j.number("weight_decay", 0, Double.MAX_VALUE), (float) j.number("momentum", 0, 1),
                (float) j.number("clip", 0, Double.MAX_VALUE), j.integer("eval_every", 0), j.integer("eval_batches", 1),
                j.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE));
    }
}
