package seqlab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.data.BuiltinCorpus;
import seqlab.data.LmDataset;
import seqlab.kernel.Parallel;
import seqlab.model.ModelDirectory;
import seqlab.model.RnnLanguageModel;
import seqlab.model.RnnLmConfig;
import seqlab.nn.Parameter;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.text.CharTokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A small model that learns, and the determinism promises: thread count, resume, same seed. */
class TrainingTest {

    @TempDir
    Path dir;

    static final String TEXT = BuiltinCorpus.generate("sentences", 60_000, 5);
    static final CharTokenizer TOK = CharTokenizer.fit(TEXT);
    static final LmDataset DATA = LmDataset.split(TOK.encode(TEXT));

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(2);
    }

    static RnnLanguageModel model(CellType cell, float dropout, long seed) {
        return new RnnLanguageModel(new RnnLmConfig(cell, TOK.vocabSize(), 16, 48, 2, dropout, false), new Rng(seed));
    }

    static TrainConfig cfg(int steps, long seed) {
        return new TrainConfig(steps, 8, 24, "adamw", 1e-2f, "cosine", 5, 0.01f, 0.9f, 1f, 10, 3, seed);
    }

    /** The per-step losses a listener saw. */
    static final class Losses implements TrainListener {
        final List<Double> values = new ArrayList<>();

        @Override
        public void onStep(long step, long total, double loss, float lr, double tps, double elapsed) {
            values.add(loss);
        }
    }

    private static float[] flatWeights(RnnLanguageModel m) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (Parameter p : m.parameters()) {
            parts.add(p.data());
            n += p.size();
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    @Test
    void aSmallLstmLearnsTheBuiltinCorpus() {
        RnnLanguageModel m = new RnnLanguageModel(new RnnLmConfig(CellType.LSTM, TOK.vocabSize(), 32, 96, 1, 0f, false), new Rng(1));
        TrainConfig cfg = new TrainConfig(250, 16, 32, "adamw", 1e-2f, "cosine", 10, 0.01f, 0.9f, 1f, 0, 10, 1);
        double before = Evaluation.estimate(m, DATA.val(), 16, 32, 10, 9);
        double after = Trainer.start(new LmTask(m, TOK, DATA, cfg, "test"), Map.of("source", "test"), cfg, dir, null).run();
        System.out.println("learning test: val loss " + before + " -> " + after);
        assertThat(before).isGreaterThan(3.0);                     // ≈ ln V at initialisation
        assertThat(after).as("val loss after 250 steps").isLessThan(1.2);
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        float[][] weights = new float[2][];
        List<List<Double>> losses = new ArrayList<>();
        for (int t = 1; t <= 2; t++) {
            Parallel.setThreads(t);
            RnnLanguageModel m = model(CellType.GRU, 0.1f, 3);
            Losses l = new Losses();
            Trainer.start(new LmTask(m, TOK, DATA, cfg(12, 3), "test"), Map.of("source", "test"), cfg(12, 3), dir.resolve("t" + t), l).run();
            weights[t - 1] = flatWeights(m);
            losses.add(l.values);
        }
        assertThat(losses.get(1)).isEqualTo(losses.get(0));
        assertThat(weights[1]).isEqualTo(weights[0]);
    }

    /**
     * The Trainer's steps run in a workspace: with one that poisons every array as its step ends, the
     * losses, the validation losses and the weights are those of the plain workspace, bit for bit
     * (an array the Trainer, the task, a listener, an evaluation or a checkpoint used after its step
     * would read NaN in one run and the next step's values in the other).
     */
    @Test
    void aPoisoningWorkspaceChangesNoBit() {
        List<List<Double>> seen = new ArrayList<>();
        List<float[]> weights = new ArrayList<>();
        for (boolean poison : new boolean[] {false, true}) {
            RnnLanguageModel m = model(CellType.GRU, 0.2f, 8);
            List<Double> values = new ArrayList<>();
            TrainListener l = new TrainListener() {
                @Override
                public void onStep(long step, long total, double loss, float lr, double tps, double elapsed) {
                    values.add(loss);
                }

                @Override
                public void onEval(long step, double train, double val) {
                    values.add(val);
                }
            };
            Trainer t = Trainer.start(new LmTask(m, TOK, DATA, cfg(12, 8), "test"), Map.of("source", "test"), cfg(12, 8),
                    dir.resolve("p" + poison), l);
            if (poison) {
                t.workspace = seqlab.tensor.Workspace.poisoning();
            }
            t.run();
            seen.add(values);
            weights.add(flatWeights(m));
        }
        assertThat(seen.get(0)).hasSize(12 + 2).doesNotContain(Double.NaN);
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
        assertThat(weights.get(1)).isEqualTo(weights.get(0));
    }

    @Test
    void aResumedRunContinuesBitForBit() {
        RnnLanguageModel straight = model(CellType.LSTM, 0.2f, 4);
        Losses all = new Losses();
        Trainer.start(new LmTask(straight, TOK, DATA, cfg(20, 4), "test"), Map.of("source", "test"), cfg(20, 4), dir.resolve("a"), all).run();

        Path b = dir.resolve("b");
        RnnLanguageModel first = model(CellType.LSTM, 0.2f, 4);
        Losses part1 = new Losses();
        Trainer.start(new LmTask(first, TOK, DATA, cfg(20, 4), "test"), Map.of("source", "test"), cfg(20, 4), b, part1).runUntil(10);   // as if killed after step 10
        Trainer.Saved saved = Trainer.readCheckpoint(Checkpoint.latest(b));
        assertThat(saved.step()).isEqualTo(10);
        RnnLanguageModel resumed = model(CellType.LSTM, 0.2f, 99);    // weights come from the checkpoint
        Losses part2 = new Losses();
        Trainer.resume(saved, new LmTask(resumed, TOK, DATA, cfg(20, 4), "test"), cfg(20, 4), b, part2).run();

        List<Double> joined = new ArrayList<>(part1.values);
        joined.addAll(part2.values);
        assertThat(joined).isEqualTo(all.values);
        assertThat(flatWeights(resumed)).isEqualTo(flatWeights(straight));
    }

    @Test
    void aCheckpointWithoutManifestOrWithAFlippedByteIsSkipped() throws IOException {
        Path out = dir.resolve("c");
        RnnLanguageModel m = model(CellType.RNN_TANH, 0f, 5);
        Trainer.start(new LmTask(m, TOK, DATA, cfg(20, 5), "test"), Map.of("source", "test"), cfg(20, 5), out, null).run();
        Path newest = Checkpoint.stepDir(out, 20);
        Path older = Checkpoint.stepDir(out, 10);
        assertThat(newest).isDirectory();
        assertThat(older).isDirectory();
        byte[] model = Files.readAllBytes(newest.resolve(Checkpoint.MODEL));
        model[model.length - 1] ^= 1;
        Files.write(newest.resolve(Checkpoint.MODEL), model);
        Checkpoint.Found found = Checkpoint.latest(out);
        assertThat(found.step()).isEqualTo(10);
        assertThat(found.skipped()).singleElement().asString().contains("SHA-256");
        Files.delete(older.resolve(Checkpoint.MANIFEST));
        assertThatThrownBy(() -> Checkpoint.latest(out)).hasMessageContaining("no complete checkpoint")
                .hasMessageContaining("save did not finish");
    }

    @Test
    void aDivergingRunStopsWithoutCheckpointingNaN() {
        RnnLanguageModel m = model(CellType.RNN_RELU, 0f, 6);
        TrainConfig wild = new TrainConfig(30, 8, 24, "sgd", 1e9f, "constant", 0, 0f, 0f, 0f, 0, 3, 6);
        assertThatThrownBy(() -> Trainer.start(new LmTask(m, TOK, DATA, wild, "test"), Map.of("source", "test"), wild, dir.resolve("d"), null).run())
                .isInstanceOf(TrainingDivergedException.class).hasMessageContaining("lower --lr");
        assertThat(dir.resolve("d").resolve(Checkpoint.DIR)).doesNotExist();
    }

    @Test
    void theModelDirectoryRoundTripsAndReportsMismatches() throws IOException {
        RnnLanguageModel m = model(CellType.GRU, 0f, 7);
        Path out = dir.resolve("m");
        ModelDirectory.save(out, m, TOK);
        ModelDirectory.Loaded.Generator back = ModelDirectory.loadGenerator(out, "test");
        int[] ids = TOK.encode("The cat");
        m.train(false);
        assertThat(back.model().logits(ids, 1, ids.length, new Rng(0)).data()).isEqualTo(m.logits(ids, 1, ids.length, new Rng(0)).data());
        assertThat(back.tokenizer().vocab()).isEqualTo(TOK.vocab());
        // a config that does not describe the weights: every problem listed
        String cfg = Files.readString(out.resolve("config.json")).replace("\"hidden_size\": 48", "\"hidden_size\": 40");
        Files.writeString(out.resolve("config.json"), cfg);
        assertThatThrownBy(() -> ModelDirectory.load(out)).hasMessageContaining("size mismatch for rnn.weight_hh_l0")
                .hasMessageContaining("[144, 48] from checkpoint, the shape in current model is [120, 40]");
        Files.writeString(out.resolve("config.json"), cfg.replace("\"hidden_size\": 40", "\"hidden_size\": -1"));
        assertThatThrownBy(() -> ModelDirectory.load(out)).hasMessageContaining("field \"hidden_size\" must be an integer");
        Files.writeString(out.resolve("config.json"), cfg.replace("\"cell\": \"gru\"", "\"cell\": \"transformer\""));
        assertThatThrownBy(() -> ModelDirectory.load(out)).hasMessageContaining("\"transformer\"");
    }

    @Test
    void sgdWithMomentumFollowsPyTorchsRule() {
        RnnLanguageModel m = model(CellType.RNN_TANH, 0f, 8);
        Parameter p = m.parameters().get(0);
        float w0 = p.data()[0];
        Sgd sgd = new Sgd(List.of(p), 0.9f, 0f, false);
        p.grad()[0] = 2f;
        sgd.step(0.1f);                                              // b = g = 2, w -= 0.2
        p.grad()[0] = 1f;
        sgd.step(0.1f);                                              // b = 0.9·2 + 1 = 2.8, w -= 0.28
        assertThat(p.data()[0]).isCloseTo(w0 - 0.2f - 0.28f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void clippingScalesToTheMaxNormAndScheduleWarmsUpAndDecays() {
        RnnLanguageModel m = model(CellType.RNN_TANH, 0f, 9);
        List<Parameter> ps = m.parameters();
        for (Parameter p : ps) {
            java.util.Arrays.fill(p.grad(), 1f);
        }
        double n = GradClip.clip(ps, 2.0);
        assertThat(n).isCloseTo(Math.sqrt(m.parameterCount()), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(GradClip.globalNorm(ps)).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-4));
        LrSchedule s = LrSchedule.cosine(1f, 10, 110, 0.1f);
        assertThat(s.at(0)).isEqualTo(0.1f);
        assertThat(s.at(9)).isEqualTo(1f);
        assertThat(s.at(60)).isCloseTo(0.55f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(s.at(500)).isEqualTo(0.1f);
    }
}
