package seqlab.train;

import java.nio.file.Path;
import java.util.Map;

import seqlab.data.LmBatch;
import seqlab.data.LmDataset;
import seqlab.model.ModelDirectory;
import seqlab.model.LanguageModel;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.text.Tokenizer;

/**
 * Next-token training of a language model (recurrent or GPT): random (B, T) windows of the training split;
 * validation is nanoGPT's estimate over a fixed set of random windows.
 */
public final class LmTask implements TrainingTask {

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final LmDataset data;
    private final TrainConfig cfg;

    public LmTask(LanguageModel model, Tokenizer tokenizer, LmDataset data, TrainConfig cfg, String source) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.data = data;
        this.cfg = cfg;
        data.requireWindow(cfg.seq(), source);
        long windows = data.val().length - cfg.seq();
        int most = mostEvalBatches(data.val().length, cfg.seq(), cfg.batch());
        if (cfg.evalBatches() > most) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "--eval-batches %,d draws %,d windows per evaluation from a "
                    + "validation split that has %,d; use at most %,d (each window %d times on average; 'seqlab eval' gives the exact loss)",
                    cfg.evalBatches(), (long) cfg.evalBatches() * cfg.batch(), windows, most, MAX_PASSES));
        }
    }

    /** The most times an evaluation may read each validation window, on average. */
    static final int MAX_PASSES = 10;

    /** The most validation batches of (B, T) windows an evaluation may draw from a split of {@code tokens}. */
    public static int mostEvalBatches(int tokens, int time, int batch) {
        long windows = Math.max(0, tokens - time);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (MAX_PASSES * windows + batch - 1) / batch));
    }

    @Override
    public Module model() {
        return model.module();
    }

    @Override
    public Map<String, Object> modelConfig() {
        return model.config().toJson();
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of();
    }

    @Override
    public StepLoss loss(long step, Rng dataRng, Rng dropoutRng) {
        return windowLoss(model::loss, data, cfg, dataRng, dropoutRng);
    }

    @Override
    public double validationLoss() {
        return validationLoss(model.module(), model::loss, data, cfg);
    }

    /** A step's loss on random (B, T) windows of the training split, for any next-token model. */
    public static StepLoss windowLoss(Evaluation.WindowLoss loss, LmDataset data, TrainConfig cfg, Rng dataRng, Rng dropoutRng) {
        LmBatch b = LmDataset.randomBatch(data.train(), cfg.batch(), cfg.seq(), dataRng);
        return new StepLoss(loss.of(b.x(), b.y(), b.batch(), b.time(), dropoutRng), (long) b.batch() * b.time());
    }

    /** The validation estimate on the fixed windows drawn from seed + 3: every model of a run's config is scored on the same ones. */
    public static double validationLoss(Module model, Evaluation.WindowLoss loss, LmDataset data, TrainConfig cfg) {
        return Evaluation.estimate(model, loss, data.val(), cfg.batch(), cfg.seq(), cfg.evalBatches(), cfg.seed() + 3);
    }

    @Override
    public Map<String, seqlab.io.Safetensors.Entry> weights() {
        return model.weights();
    }

    @Override
    public void loadWeights(seqlab.io.Safetensors.File f) {
        model.loadWeights(f);
    }

    @Override
    public void save(Path dir) {
        ModelDirectory.save(dir, model, tokenizer);
    }
}
