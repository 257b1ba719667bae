package seqlab.lab;

import java.nio.file.Path;
import java.util.Map;

import seqlab.data.LmBatch;
import seqlab.data.LmDataset;
import seqlab.io.Safetensors;
import seqlab.model.StateDict;
import seqlab.nn.Module;
import seqlab.tensor.CrossEntropy;
import seqlab.tensor.Rng;
import seqlab.tensor.ShapeOps;
import seqlab.train.TrainConfig;
import seqlab.train.TrainingTask;

/**
 * Next-token training of a {@link TransformerProbe} on a token split, for the Trainer: random
 * (B, T) windows of the training split, cross-entropy over every position; validation as
 * {@code LmTask} estimates it (the same windows of the validation split, drawn from seed + 3), so
 * an LSTM trained by {@code LmTask} beside it is scored on the same windows.
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
        LmBatch b = LmDataset.randomBatch(data.train(), cfg.batch(), cfg.seq(), dataRng);
        return new StepLoss(loss(b), (long) b.batch() * b.time());
    }

    @Override
    public double validationLoss() {
        return model.inference(() -> {
            Rng rng = new Rng(cfg.seed() + 3);
            double sum = 0;
            for (int i = 0; i < cfg.evalBatches(); i++) {
                sum += loss(LmDataset.randomBatch(data.val(), cfg.batch(), Math.min(cfg.seq(), data.val().length - 1), rng)).item();
            }
            return sum / cfg.evalBatches();
        });
    }

    private seqlab.tensor.Tensor loss(LmBatch b) {
        return CrossEntropy.mean(ShapeOps.reshape(model.everyStep(model.inputs(b.x(), null, b.batch(), b.time())), b.batch() * b.time(), vocab),
                b.y(), -100);
    }

    /** The weights only: a probe has no model directory format. */
    @Override
    public void save(Path dir) {
        Safetensors.write(dir.resolve("model.safetensors"), StateDict.entries(model), Map.of("format", "pt"));
    }
}
