package seqlab.train;

import java.nio.file.Path;
import java.util.Map;

import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * What a {@link Trainer} trains: a model, the loss of each step's batch, a validation loss, and how
 * the model is saved. The trainer owns the loop, the optimizer, clipping, the schedule and the
 * checkpoints; a task owns its data and its model's objective.
 */
public interface TrainingTask {

    /** A step's loss and the number of target tokens it was computed over (for tokens/s). */
    record StepLoss(Tensor loss, long tokens) {}

    Module model();

    /** The model's config.json content, saved in every checkpoint. */
    Map<String, Object> modelConfig();

    /** Settings of the task itself (beyond {@link TrainConfig}), saved in trainer.json; may be empty. */
    Map<String, Object> settings();

    /**
     * The training loss of step {@code step} (0-based). The batch comes from {@code dataRng} or
     * from the step number alone; dropout masks from {@code dropoutRng}. Both generators are
     * checkpointed, so a resumed run draws the same batches.
     */
    StepLoss loss(long step, Rng dataRng, Rng dropoutRng);

    /** The validation loss (nats per target token) reported at each evaluation, in evaluation mode. */
    double validationLoss();

    /** The model's weights under the names and layouts of its directory's model.safetensors (a checkpoint holds the same). */
    default Map<String, seqlab.io.Safetensors.Entry> weights() {
        return seqlab.model.StateDict.entries(model());
    }

    /** Reads weights {@link #weights} wrote back into the model. */
    default void loadWeights(seqlab.io.Safetensors.File f) {
        seqlab.model.StateDict.load(model(), f);
    }

    /** Writes the model directory (config.json, model.safetensors, tokenizer.json). */
    void save(Path dir);
}
