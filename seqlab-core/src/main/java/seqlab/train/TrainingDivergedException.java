package seqlab.train;

/** The loss or the gradient became NaN or infinite; nothing is checkpointed after it. */
public final class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(String message) {
        super(message);
    }
}
