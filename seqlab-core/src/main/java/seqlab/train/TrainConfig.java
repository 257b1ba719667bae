package seqlab.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import seqlab.io.Json;
import seqlab.io.JsonFields;

/**
 * How to train: steps, batch shape, optimizer, schedule, clipping, evaluation and seed.
 *
 * @param steps       optimizer steps in all (a resumed run continues up to this count)
 * @param batch       B, sequences per step
 * @param seq         T, tokens per sequence (full back-propagation through time over T)
 * @param optimizer   adamw, adam or sgd; Adam's β₁ = 0.9 and ε = 1e-8, as PyTorch's
 * @param lr          peak learning rate
 * @param schedule    constant, cosine (linear warm-up, cosine decay to minLr at the last step) or inverse-sqrt (warm-up, then lr·√(W/t))
 * @param warmup      warm-up steps for cosine (a warm-up longer than the run is cut to the run)
 * @param weightDecay λ (matrices and embeddings only): decoupled for adamw, added to the gradient (L2)
 *                    for adam and sgd; PyTorch's defaults are {@link #defaultWeightDecay}
 * @param momentum    SGD momentum (PyTorch's default: 0)
 * @param clip        max global gradient norm, 0 = no clipping
 * @param evalEvery   evaluate and checkpoint every this many steps (0: only at the end)
 * @param evalBatches validation batches per evaluation
 * @param seed        seeds initialisation, dropout and batch sampling
 * @param keepBest    also keep the model of the lowest validation loss so far in {@code <out>/best/} ({@link BestModel})
 * @param beta2       Adam's β₂ (PyTorch's 0.999; nanoGPT sets 0.99 or 0.95)
 * @param minLr       where the cosine schedule ends (lr/10 unless given, as nanoGPT's min_lr)
 * @param gradAccum   micro-batches of B sequences whose gradients are summed into one step (nanoGPT's gradient_accumulation_steps)
 */
public record TrainConfig(int steps, int batch, int seq, String optimizer, float lr, String schedule, int warmup,
                          float weightDecay, float momentum, float clip, int evalEvery, int evalBatches, long seed, boolean keepBest,
                          double beta2, float minLr, int gradAccum) {

    /** Adam's and AdamW's β₁, β₂ and ε: PyTorch's defaults. */
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;
    /** The longest default warm-up, in steps. */
    public static final int MAX_DEFAULT_WARMUP = 100;

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
        if (!schedule.equals("constant") && !schedule.equals("cosine") && !schedule.equals("inverse-sqrt")) {
            throw new IllegalArgumentException("--schedule must be constant, cosine or inverse-sqrt, got " + schedule);
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
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("--beta2 must be in [0, 1), got " + beta2);
        }
        if (!(minLr >= 0 && minLr <= lr)) {
            throw new IllegalArgumentException("--min-lr must be in [0, --lr " + num(lr) + "], got " + minLr);
        }
        if (gradAccum < 1) {
            throw new IllegalArgumentException("--grad-accum must be >= 1, got " + gradAccum);
        }
    }

    /** With PyTorch's β₂, the cosine down to lr/10, one batch per step. */
    public TrainConfig(int steps, int batch, int seq, String optimizer, float lr, String schedule, int warmup,
                       float weightDecay, float momentum, float clip, int evalEvery, int evalBatches, long seed, boolean keepBest) {
        this(steps, batch, seq, optimizer, lr, schedule, warmup, weightDecay, momentum, clip, evalEvery, evalBatches, seed, keepBest,
                BETA2, lr / 10, 1);
    }

    /** A run that keeps only its newest checkpoints and model (no {@code best/}). */
    public TrainConfig(int steps, int batch, int seq, String optimizer, float lr, String schedule, int warmup,
                       float weightDecay, float momentum, float clip, int evalEvery, int evalBatches, long seed) {
        this(steps, batch, seq, optimizer, lr, schedule, warmup, weightDecay, momentum, clip, evalEvery, evalBatches, seed, false);
    }

    /** PyTorch's default weight decay: {@code torch.optim.AdamW} 0.01, {@code Adam} and {@code SGD} 0. */
    public static float defaultWeightDecay(String optimizer) {
        return optimizer.equals("adamw") ? 0.01f : 0f;
    }

    /** The warm-up when none is given: a tenth of the run, at most {@value #MAX_DEFAULT_WARMUP} steps. */
    public static int defaultWarmup(int steps) {
        return Math.min(MAX_DEFAULT_WARMUP, steps / 10);
    }

    /** The warm-up the schedule uses: {@code warmup}, cut to the run's length. */
    public int effectiveWarmup() {
        return schedule.equals("constant") ? 0 : Math.min(warmup, steps);
    }

    public LrSchedule lrSchedule() {
        return switch (schedule) {
            case "constant" -> LrSchedule.constant(lr);
            case "inverse-sqrt" -> LrSchedule.inverseSqrt(lr, Math.max(1, effectiveWarmup()));
            default -> LrSchedule.cosine(lr, effectiveWarmup(), Math.max(steps, 1), minLr);
        };
    }

    /**
     * The effective optimizer, schedule and clipping in one line, e.g. "adam (β 0.9, 0.999, ε 1e-08),
     * weight decay 0; lr 0.002, cosine: warm-up 100 steps, then down to 0.0002 at step 2000; clip 1".
     */
    public String describe() {
        String opt = optimizer.equals("sgd") ? "sgd (momentum " + num(momentum) + ")"
                : optimizer + " (β " + num(BETA1) + ", " + num(beta2) + ", ε " + num(EPS) + ")";
        String decay = weightDecay == 0 ? "weight decay 0"
                : "weight decay " + num(weightDecay) + (optimizer.equals("adamw") ? " (decoupled" : " (L2, added to the gradient")
                + "; matrices and embeddings only)";
        String sched = switch (schedule) {
            case "constant" -> "constant";
            case "inverse-sqrt" -> "inverse-sqrt: warm-up " + Math.max(1, effectiveWarmup()) + " steps, then lr·√(warm-up/step)";
            default -> "cosine: warm-up " + effectiveWarmup() + " steps, then down to " + num(minLr) + " at step " + steps;
        };
        return opt + ", " + decay + "; lr " + num(lr) + ", " + sched + "; clip " + (clip > 0 ? num(clip) : "off")
                + (gradAccum > 1 ? "; " + gradAccum + " micro-batches of " + batch + " per step" : "");
    }

    /** A value to six significant digits, as a person writes it (0.002, 0.0002, 1e-8), not as its binary float. */
    static String num(double v) {
        return new java.math.BigDecimal(Double.toString(v)).round(new java.math.MathContext(6)).stripTrailingZeros().toString()
                .replace("E", "e").replace("e+", "e");
    }

    public TrainConfig withEvalBatches(int n) {
        return new TrainConfig(steps, batch, seq, optimizer, lr, schedule, warmup, weightDecay, momentum, clip, evalEvery, n, seed, keepBest,
                beta2, minLr, gradAccum);
    }

    /** How many floats each parameter is held as while training: weights, gradients, and the optimizer's state. */
    public int copiesPerParameter() {
        return optimizer.equals("sgd") ? (momentum > 0 ? 3 : 2) : 4;
    }

    /** {@link #copiesPerParameter()} in words. */
    public String copiesPerParameterWhat() {
        return optimizer.equals("sgd") ? (momentum > 0 ? "weights, gradients and momentum" : "weights and gradients")
                : "weights, gradients and " + optimizer + "'s two moments";
    }

    public TrainConfig withSteps(int n) {
        return new TrainConfig(n, batch, seq, optimizer, lr, schedule, warmup, weightDecay, momentum, clip, evalEvery, evalBatches, seed, keepBest,
                beta2, minLr, gradAccum);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("batch", batch);
        m.put("seq", seq);
        m.put("optimizer", optimizer);
        if (!optimizer.equals("sgd")) {
            m.put("betas", List.of(BETA1, beta2));
            m.put("eps", EPS);
        }
        m.put("lr", Json.decimal(lr));
        m.put("schedule", schedule);
        m.put("warmup", effectiveWarmup());
        m.put("min_lr", Json.decimal(minLr));
        m.put("weight_decay", Json.decimal(weightDecay));
        m.put("momentum", Json.decimal(momentum));
        m.put("clip", Json.decimal(clip));
        m.put("eval_every", evalEvery);
        m.put("eval_batches", evalBatches);
        m.put("seed", seed);
        m.put("keep_best", keepBest);
        m.put("grad_accum", gradAccum);
        return m;
    }

    /** Read back from a checkpoint; runs saved before a setting existed get its old fixed value. */
    public static TrainConfig fromJson(JsonFields j) {
        float lr = (float) j.number("lr", 0, Double.MAX_VALUE);
        double beta2 = BETA2;
        if (j.has("betas")) {
            List<Object> betas = j.list("betas");
            if (betas.size() != 2 || !(betas.get(1) instanceof Json.Num b)) {
                throw new seqlab.io.FormatException(j.where() + ": field \"betas\" must be two numbers, got " + betas);
            }
            beta2 = b.doubleValue();
        }
        return new TrainConfig(j.integer("steps", 0), j.integer("batch", 1), j.integer("seq", 1), j.string("optimizer"),
                lr, j.string("schedule"), j.integer("warmup", 0),
                (float) j.number("weight_decay", 0, Double.MAX_VALUE), (float) j.number("momentum", 0, 1),
                (float) j.number("clip", 0, Double.MAX_VALUE), j.integer("eval_every", 0), j.integer("eval_batches", 1),
                j.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE), j.bool("keep_best", false),  // runs before --keep-best kept none
                beta2, (float) j.number("min_lr", 0, Double.MAX_VALUE, lr / 10), j.has("grad_accum") ? j.integer("grad_accum", 1) : 1);
    }
}
