package seqlab.train;

import java.nio.file.Path;

/** What a training run reports as it goes (the library prints nothing; the CLI renders this). */
public interface TrainListener {

    default void onStart(long firstStep, long totalSteps, long parameters) {}

    /** After each optimizer step; {@code step} counts completed steps. */
    default void onStep(long step, long totalSteps, double loss, float lr, double tokensPerSecond, double elapsedSeconds) {}

    default void onEval(long step, double trainLoss, double valLoss) {}

    default void onCheckpoint(long step, Path dir) {}

    /** With keepBest: the model at {@code step} has the lowest validation loss so far and is kept in {@code dir}. */
    default void onBest(long step, double valLoss, Path dir) {}
}
