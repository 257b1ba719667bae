package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

import seqlab.train.TrainListener;

/**
 * Renders training progress: on a terminal one line updated in place (step, loss, tokens/s,
 * ETA); otherwise (a pipe, a log file, CI) a line per evaluation only.
 */
final class Progress implements TrainListener {

    private final PrintWriter err;
    private final boolean live;
    private long lastDraw;
    private long total;

    Progress(PrintWriter err, boolean live) {
        this.err = err;
        this.live = live;
    }

    @Override
    public void onStart(long firstStep, long totalSteps, long parameters) {
        total = totalSteps;
        err.printf(Locale.ROOT, "training %,d parameters, steps %d → %d%n", parameters, firstStep, totalSteps);
    }

    @Override
    public void onStep(long step, long totalSteps, double loss, float lr, double tps, double elapsed) {
        long now = System.nanoTime();
        if (!live || (now - lastDraw < 100_000_000L && step != totalSteps)) {
            return;
        }
        lastDraw = now;
        double eta = elapsed / Math.max(1, step) * (totalSteps - step);
        err.printf(Locale.ROOT, "\r\033[Kstep %d/%d | loss %.4f | lr %.2e | %s tok/s | ETA %s", step, totalSteps, loss, lr,
                compact(tps), duration(eta));
        err.flush();
    }

    @Override
    public void onEval(long step, double trainLoss, double valLoss) {
        if (live) {
            err.print("\r\033[K");
        }
        if (Double.isNaN(trainLoss)) {                                    // nothing trained since the checkpoint: only the evaluation
            err.printf(Locale.ROOT, "step %d/%d: val loss %.4f%n", step, total, valLoss);
        } else {
            err.printf(Locale.ROOT, "step %d/%d: train loss %.4f, val loss %.4f%n", step, total, trainLoss, valLoss);
        }
    }

    @Override
    public void onBest(long step, double valLoss, Path dir) {
        err.printf(Locale.ROOT, "step %d/%d: the lowest validation loss so far, model kept in %s%n", step, total, dir);
    }

    @Override
    public void onCheckpoint(long step, Path dir) {
        // the checkpoint is reported in the final summary; nothing to draw per save
    }

    /** A positive figure to three significant digits, without trailing zeros: 0.0958, 1.5, 227. */
    static String significant(double x) {
        if (!(x > 0) || !Double.isFinite(x)) {
            return String.valueOf(x);
        }
        return new java.math.BigDecimal(x).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    static String compact(double x) {
        return x >= 1e6 ? String.format(Locale.ROOT, "%.2fM", x / 1e6)
                : x >= 1e3 ? String.format(Locale.ROOT, "%.1fk", x / 1e3) : String.format(Locale.ROOT, "%.0f", x);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
