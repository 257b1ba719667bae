package seqlab.lab;

import java.util.ArrayList;
import java.util.List;

import seqlab.train.TrainListener;

/**
 * Records a training run's validation losses against steps and against training time (the time
 * spent evaluating is left out, so runs with different evaluation costs compare fairly).
 */
final class Curve implements TrainListener {

    final List<double[]> points = new ArrayList<>();     // {step, training seconds, validation loss}
    private double elapsed;
    private long stepAt;
    private double evalSeconds;
    private long stepEnd;

    @Override
    public void onStep(long step, long totalSteps, double loss, float lr, double tokensPerSecond, double elapsedSeconds) {
        elapsed = elapsedSeconds;
        stepAt = step;
        stepEnd = System.nanoTime();
    }

    @Override
    public void onEval(long step, double trainLoss, double valLoss) {
        double evalTime = step == stepAt ? (System.nanoTime() - stepEnd) / 1e9 : 0;
        points.add(new double[] {step, Math.max(0, elapsed - evalSeconds), valLoss});
        evalSeconds += evalTime;
    }

    double[] column(int i) {
        return points.stream().mapToDouble(p -> p[i]).toArray();
    }

    double last(int i) {
        return points.get(points.size() - 1)[i];
    }
}
