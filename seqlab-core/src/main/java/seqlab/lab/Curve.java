package seqlab.lab;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import seqlab.train.TrainListener;

/**
 * Records a training run's validation losses against steps and against training time, and
 * reports each evaluation as a progress line, since a full-size run takes a long time. Training
 * time is the CPU time of the thread the run trains on (a lab run's operations all stay on its
 * thread), less the time spent evaluating: it measures the run's own work, whether it ran alone
 * or beside other runs, first or last. Where the JVM cannot measure thread CPU time, wall time is
 * used, and {@link #measuresCpuTime()} says so.
 */
final class Curve implements TrainListener {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    final List<double[]> points = new ArrayList<>();     // {step, training seconds, validation loss}
    private final boolean cpu = measuresCpuTime();
    private long start = -1;
    private long afterStep;
    private long stepAt;
    private long evalNanos;
    private long total;
    private final String name;
    private final Consumer<String> progress;

    /** A curve whose evaluations are reported to {@code progress} as lines naming the run. */
    Curve(String name, Consumer<String> progress) {
        this.name = name;
        this.progress = progress;
    }

    /** Whether the times are thread CPU time (else wall time, where this JVM cannot measure a thread's CPU time). */
    static boolean measuresCpuTime() {
        return THREADS.isCurrentThreadCpuTimeSupported();
    }

    private long now() {
        return cpu ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    @Override
    public void onStart(long firstStep, long totalSteps, long parameters) {
        start = now();
        total = totalSteps;
    }

    @Override
    public void onStep(long step, long totalSteps, double loss, float lr, double tokensPerSecond, double elapsedSeconds) {
        afterStep = now();
        stepAt = step;
    }

    @Override
    public void onEval(long step, double trainLoss, double valLoss) {
        long t = now();
        double training = (afterStep - start - evalNanos) / 1e9;                 // up to the end of this step, without evaluations
        points.add(new double[] {step, Math.max(0, training), valLoss});
        if (step == stepAt) {
            evalNanos += t - afterStep;
        }
        progress.accept(String.format(Locale.ROOT, "%s: step %d/%d, validation loss %.4f, %.0f s", name, step, total, valLoss,
                (t - start) / 1e9));
    }

    /** The figure of runs' validation loss (nats/char) against their training time, CPU or wall as {@link #measuresCpuTime()} says. */
    static Figure.Lines lossByTime(java.util.List<Series> byTime) {
        return new Figure.Lines("val_loss_by_time", measuresCpuTime()
                ? "Validation loss by training time (CPU time of each run's thread)" : "Validation loss by training time (wall)",
                measuresCpuTime() ? "training CPU time (s)" : "training time (s, wall)", "val loss (nats/char)", false, false, byTime);
    }

    double[] column(int i) {
        return points.stream().mapToDouble(p -> p[i]).toArray();
    }

    double last(int i) {
        return points.get(points.size() - 1)[i];
    }
}
