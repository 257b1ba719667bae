package seqlab.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import seqlab.data.LmBatch;
import seqlab.data.LmDataset;
import seqlab.model.RnnLanguageModel;
import seqlab.nn.Module;
import seqlab.nn.Parameter;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * --grad-accum N: N micro-batches of B windows make the same step as one batch of N·B windows
 * (the step's gradient is the mean over all its windows), so the weights after a few steps agree.
 */
class GradAccumTest {

    @TempDir
    Path dir;

    static final int TIME = 12;
    static final int WINDOWS = 12;                      // windows a step sees, in micro-batches or at once

    /** Serves the same fixed windows in order, {@code per} a call, whatever the Rng: the data of both runs is equal by construction. */
    static final class FixedWindows implements TrainingTask {
        final RnnLanguageModel model;
        final LmBatch all;
        final int per;
        int call;

        FixedWindows(RnnLanguageModel model, LmBatch all, int per) {
            this.model = model;
            this.all = all;
            this.per = per;
        }

        @Override public Module model() { return model.module(); }
        @Override public Map<String, Object> modelConfig() { return new LmTask(model, TrainingTest.TOK, TrainingTest.DATA, cfg(1, 1, "sgd"), "t").modelConfig(); }
        @Override public Map<String, Object> settings() { return Map.of(); }
        @Override public double validationLoss() { return 0; }
        @Override public void save(Path d) { new LmTask(model, TrainingTest.TOK, TrainingTest.DATA, cfg(1, 1, "sgd"), "t").save(d); }

        @Override
        public StepLoss loss(long step, Rng dataRng, Rng dropoutRng) {
            int first = (call++ * per) % WINDOWS;
            int[] x = java.util.Arrays.copyOfRange(all.x(), first * TIME, (first + per) * TIME);
            int[] y = java.util.Arrays.copyOfRange(all.y(), first * TIME, (first + per) * TIME);
            return new StepLoss(model.loss(x, y, per, TIME, dropoutRng), (long) per * TIME);
        }
    }

    static TrainConfig cfg(int batch, int accum, String optimizer) {
        return new TrainConfig(3, batch, TIME, optimizer, optimizer.equals("sgd") ? 0.5f : 1e-2f, "constant", 0, 0f, 0f, 0f,
                100, 1, 5, false, TrainConfig.BETA2, 1e-3f, accum);
    }

    static List<Parameter> train(int per, int accum, String optimizer, Path out) {
        RnnLanguageModel m = TrainingTest.model(CellType.GRU, 0f, 21);
        LmBatch all = LmDataset.randomBatch(TrainingTest.DATA.train(), WINDOWS, TIME, new Rng(8));
        TrainConfig c = cfg(per, accum, optimizer);
        Trainer.start(new FixedWindows(m, all, per), Map.of("source", "test"), c, out, null).run();
        return m.module().parameters();
    }

    @ParameterizedTest(name = "{0} micro-batches of {1}, {2}")
    @CsvSource({"2, 6, sgd", "3, 4, sgd", "12, 1, sgd", "4, 3, adamw"})
    void microBatchesMakeTheStepOfTheWholeBatch(int accum, int per, String optimizer) {
        List<Parameter> whole = train(WINDOWS, 1, optimizer, dir.resolve("whole"));
        List<Parameter> split = train(per, accum, optimizer, dir.resolve("split"));
        List<Parameter> untrained = TrainingTest.model(CellType.GRU, 0f, 21).module().parameters();
        double moved = 0;
        for (int i = 0; i < whole.size(); i++) {
            float[] a = whole.get(i).data();
            float[] b = split.get(i).data();
            float[] u = untrained.get(i).data();
            for (int j = 0; j < a.length; j++) {
                assertThat(b[j]).as("parameter %d [%d]", i, j).isCloseTo(a[j], within(2e-5f));
                moved = Math.max(moved, Math.abs(a[j] - u[j]));
            }
        }
        assertThat(moved).as("the steps moved the weights").isGreaterThan(1e-3);
    }
}
