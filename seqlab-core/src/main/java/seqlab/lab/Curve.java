package seqlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import seqlab.train.TrainListener;

/**
 * Records a training run's validation losses against steps and against training time (the time
 * spent evaluating is left out, so runs with different evaluation costs compare fairly), and
 * reports each evaluation as a progress line, since a full-size run takes a long time.
 */
final class Curve implements TrainListener {

    final List<double[]> points = new ArrayList<>();     // {step, training seconds, validation loss}
    private double elapsed;
    private long stepAt;
    private double evalSeconds;
    private long stepEnd;
    private long total;
    private final String name;
    private final Consumer<String> progress;

    /** A curve whose evaluations are reported to {@code progress} as lines naming the run. */
    Curve(String name, Consumer<String> progress) {
        this.name = name;
        this.progress = progress;
    }

    @Override
    public void onStep(long step, long totalSteps, double loss, float lr, double tokensPerSecond, double elapsedSeconds) {
        elapsed = elapsedSeconds;
        stepAt = step;
        total = totalSteps;
        stepEnd = System.nanoTime();
    }

    @Override
    public void onEval(long step, double trainLoss, double valLoss) {
        double evalTime = step == stepAt ? (System.nanoTime() - stepEnd) / 1e9 : 0;
        points.add(new double[] {step, Math.max(0, elapsed - evalSeconds), valLoss});
        evalSeconds += evalTime;
        progress.accept(String.format(Locale.ROOT, "%s: step %d/%d, validation loss %.4f, %.0f s", name, step, total, valLoss, elapsed));
    }

    double[] column(int i) {
        return points.stream().mapToDouble(p -> p[i]).toArray();
    }

    double last(int i) {
        return points.get(points.size() - 1)[i];
    }
}
