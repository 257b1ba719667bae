package seqlab.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import seqlab.data.PairBatcher;
import seqlab.data.Seq2SeqBatch;
import seqlab.model.ModelDirectory;
import seqlab.model.TranslationModel;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.text.PairTokenizer;

/**
 * Training a translation model: epochs of length-bucketed batches (see {@link PairBatcher}), the
 * order of epoch e fixed by the seed and e alone, so that step k always sees the same batch;
 * teacher forcing at a ratio, its coins drawn from a generator seeded by the run's seed and the
 * step. Validation: the teacher-forced loss over the whole validation set.
 */
public final class Seq2SeqTask implements TrainingTask {

    /** Batches of the same length class per sorting pool. */
    static final int POOL_BATCHES = 8;

    private final TranslationModel model;
    private final PairTokenizer tokenizer;
    private final List<PairBatcher.Encoded> train;
    private final List<Seq2SeqBatch> val;
    private final int batch;
    private final double teacherForcing;
    private final float labelSmoothing;
    private final long seed;
    private final int batchesPerEpoch;
    private long epoch = -1;
    private List<Seq2SeqBatch> epochBatches;

    public Seq2SeqTask(TranslationModel model, PairTokenizer tokenizer, List<PairBatcher.Encoded> train, List<PairBatcher.Encoded> val,
                       int batch, double teacherForcing, long seed) {
        this(model, tokenizer, train, val, batch, teacherForcing, 0f, seed);
    }

    /** With label smoothing ε in [0, 1) on the training loss (the validation loss is plain cross-entropy). */
    public Seq2SeqTask(TranslationModel model, PairTokenizer tokenizer, List<PairBatcher.Encoded> train, List<PairBatcher.Encoded> val,
                       int batch, double teacherForcing, float labelSmoothing, long seed) {
        if (train.isEmpty() || val.isEmpty()) {
            throw new IllegalArgumentException("training needs pairs in both splits, got " + train.size() + " training and "
                    + val.size() + " validation pairs");
        }
        if (!(teacherForcing >= 0 && teacherForcing <= 1)) {
            throw new IllegalArgumentException("--teacher-forcing must be in [0, 1], got " + teacherForcing);
        }
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) {
            throw new IllegalArgumentException("--label-smoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.model = model;
        this.labelSmoothing = labelSmoothing;
        this.tokenizer = tokenizer;
        this.train = train;
        this.val = Seq2SeqEvaluation.batches(val, batch);
        this.batch = batch;
        this.teacherForcing = teacherForcing;
        this.seed = seed;
        this.batchesPerEpoch = batches(0).size();
    }

    private List<Seq2SeqBatch> batches(long e) {
        if (e != epoch) {
            epochBatches = PairBatcher.epoch(train, batch, POOL_BATCHES, new Rng(seed * 7919 + e));
            epoch = e;
        }
        return epochBatches;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
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
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("teacher_forcing", teacherForcing);
        if (labelSmoothing != 0f) {
            m.put("label_smoothing", seqlab.io.Json.decimal(labelSmoothing));
        }
        return m;
    }

    @Override
    public StepLoss loss(long step, Rng dataRng, Rng dropoutRng) {
        Seq2SeqBatch b = batches(step / batchesPerEpoch).get((int) (step % batchesPerEpoch));
        Rng coins = new Rng(seed * 1_000_003L + step);
        return new StepLoss(model.loss(b, teacherForcing, labelSmoothing, coins, dropoutRng), Seq2SeqEvaluation.targets(b));
    }

    @Override
    public double validationLoss() {
        return Seq2SeqEvaluation.loss(model, val, 1.0).mean();
    }

    @Override
    public void save(Path dir) {
        ModelDirectory.save(dir, model, tokenizer);
    }
}
