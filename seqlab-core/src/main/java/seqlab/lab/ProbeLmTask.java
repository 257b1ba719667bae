package seqlab.lab;

import java.nio.file.Path;
import java.util.Map;

import seqlab.data.LmDataset;
import seqlab.io.Safetensors;
import seqlab.model.StateDict;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.train.LmTask;
import seqlab.train.TrainConfig;
import seqlab.train.TrainingTask;

/**
 * Next-token training of a {@link TransformerProbe} on a token split, for the Trainer: random
 * (B, T) windows of the training split, cross-entropy over every position; validation by
 * {@link LmTask#validationLoss}, so an LSTM trained by {@code LmTask} beside it is scored on the
 * same windows.
 */
final class ProbeLmTask implements TrainingTask {

    private final TransformerProbe model;
    private final int vocab;
    private final LmDataset data;
    private final TrainConfig cfg;

    ProbeLmTask(TransformerProbe model, int vocab, LmDataset data, TrainConfig cfg) {
        this.model = model;
        this.vocab = vocab;
        this.data = data;
        this.cfg = cfg;
    }

    @Override
    public Module model() {
        return model;
    }

    @Override
    public Map<String, Object> modelConfig() {
        return Map.of("architecture", "lab-causal-transformer", "vocab_size", vocab, "parameters", model.parameterCount());
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of();
    }

    @Override
    public StepLoss loss(long step, Rng dataRng, Rng dropoutRng) {
        return LmTask.windowLoss(model::loss, data, cfg, dataRng, dropoutRng);
    }

    @Override
    public double validationLoss() {
        return LmTask.validationLoss(model, model::loss, data, cfg);
    }

    /** The weights only: a probe has no model directory format. */
    @Override
    public void save(Path dir) {
        Safetensors.write(dir.resolve("model.safetensors"), StateDict.entries(model), Map.of("format", "pt"));
    }
}
