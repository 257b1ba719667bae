package seqlab.train;

/**
 * Learning rate as a function of the step (0-based): constant; linear warm-up then cosine
 * decay to a floor (nanoGPT's get_lr):
 * lr(t) = lr·(t + 1)/W for t < W; then min + ½(1 + cos(π·(t − W)/(S − W)))·(lr − min) up to S;
 * or the Transformer paper's inverse square root (Vaswani et al., §5.3, with lr the peak):
 * lr(t) = lr·min(s/W, √(W/s)), s = t + 1.
 */
public record LrSchedule(String kind, float lr, int warmup, int decaySteps, float minLr) {

    public LrSchedule {
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
        }
        if (!kind.equals("constant") && !kind.equals("cosine") && !kind.equals("inverse-sqrt")) {
            throw new IllegalArgumentException("schedule must be constant, cosine or inverse-sqrt, got " + kind);
        }
        if (kind.equals("inverse-sqrt") && warmup < 1) {
            throw new IllegalArgumentException("the inverse-sqrt schedule needs a warm-up of at least 1 step, got " + warmup);
        }
        if (warmup < 0 || decaySteps < 0) {
            throw new IllegalArgumentException("warmup and decay steps must be >= 0, got " + warmup + " and " + decaySteps);
        }
        if (!(minLr >= 0 && minLr <= lr)) {
            throw new IllegalArgumentException("min lr must be in [0, lr], got " + minLr);
        }
    }

    public static LrSchedule constant(float lr) {
        return new LrSchedule("constant", lr, 0, 0, lr);
    }

    public static LrSchedule cosine(float lr, int warmup, int decaySteps, float minLr) {
        return new LrSchedule("cosine", lr, warmup, decaySteps, minLr);
    }

    public static LrSchedule inverseSqrt(float lr, int warmup) {
        return new LrSchedule("inverse-sqrt", lr, warmup, 0, 0f);
    }

    public float at(long step) {
        if (kind.equals("constant")) {
            return lr;
        }
        if (kind.equals("inverse-sqrt")) {
            double s = step + 1;
            return (float) (lr * Math.min(s / warmup, Math.sqrt(warmup / s)));           // lr·min(s/W, √(W/s))
        }
        if (step < warmup) {
            return lr * (step + 1) / warmup;
        }
        if (step >= decaySteps) {
            return minLr;
        }
        double ratio = (double) (step - warmup) / Math.max(1, decaySteps - warmup);
        return (float) (minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (lr - minLr));
    }
}
