package seqlab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.model.ModelDirectory;
import seqlab.nn.Module;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --keep-best: the kept model is the one of the lowest validation loss, across a resume and a kill mid-rename. */
class BestModelTest {

    @TempDir
    Path dir;

    /** Validation losses at steps 4, 8, …, 20: lowest at step 16, not the last. */
    static final double[] SCRIPT = {3.0, 2.0, 2.5, 1.5, 1.8};

    static TrainConfig cfg(boolean keepBest) {
        return new TrainConfig(20, 8, 24, "adamw", 1e-2f, "cosine", 5, 0.01f, 0.9f, 1f, 4, 2, 7, keepBest);
    }

    /** A language-model task whose validation loss follows {@link #SCRIPT}, so which step is best is known. */
    static final class Scripted implements TrainingTask {
        final LmTask lm;
        int evaluations;

        Scripted(long firstStep, long seed) {
            this.lm = new LmTask(TrainingTest.model(CellType.GRU, 0.1f, seed), TrainingTest.TOK, TrainingTest.DATA, cfg(true), "test");
            this.evaluations = (int) (firstStep / 4);
        }

        @Override public Module model() { return lm.model(); }
        @Override public Map<String, Object> modelConfig() { return lm.modelConfig(); }
        @Override public Map<String, Object> settings() { return lm.settings(); }
        @Override public StepLoss loss(long step, Rng dataRng, Rng dropoutRng) { return lm.loss(step, dataRng, dropoutRng); }
        @Override public double validationLoss() { return SCRIPT[evaluations++]; }
        @Override public void save(Path d) { lm.save(d); }
    }

    static byte[] weights(Path modelDir) throws IOException {
        return Files.readAllBytes(modelDir.resolve(ModelDirectory.WEIGHTS));
    }

    @Test
    void theKeptModelIsTheOneOfTheLowestValidationLossNotTheLast() throws IOException {
        Path out = dir.resolve("run");
        Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(true), out, null).run();
        assertThat(BestModel.read(out)).contains(new BestModel.Kept(16, 1.5));

        Path until16 = dir.resolve("until16");                        // the same run stopped at step 16
        Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(true), until16, null).runUntil(16);
        assertThat(weights(out.resolve(BestModel.DIR))).isEqualTo(weights(until16));
        assertThat(weights(out)).isNotEqualTo(weights(until16));     // the run directory holds the last step's model
        assertThat(ModelDirectory.architecture(out.resolve(BestModel.DIR))).isEqualTo(ModelDirectory.architecture(out));
        assertThat(out.resolve(BestModel.PARTIAL)).doesNotExist();
        assertThat(out.resolve(BestModel.OLD)).doesNotExist();
    }

    @Test
    void aResumedRunKeepsTheSameBestAsOneThatNeverStopped() throws IOException {
        Path straight = dir.resolve("straight");
        Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(true), straight, null).run();

        Path cut = dir.resolve("cut");
        Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(true), cut, null).runUntil(12);    // as if killed after step 12
        assertThat(BestModel.read(cut)).contains(new BestModel.Kept(8, 2.0));
        Trainer.Saved saved = Trainer.readCheckpoint(Checkpoint.latest(cut));
        TrainConfig resumed = TrainConfig.fromJson(saved.train());
        assertThat(resumed.keepBest()).isTrue();
        Trainer.resume(saved, new Scripted(saved.step(), 99), resumed, cut, null).run();

        assertThat(BestModel.read(cut)).contains(new BestModel.Kept(16, 1.5));
        assertThat(weights(cut.resolve(BestModel.DIR))).isEqualTo(weights(straight.resolve(BestModel.DIR)));
    }

    @Test
    void withoutKeepBestNothingIsKept() {
        Path out = dir.resolve("plain");
        Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(false), out, null).run();
        assertThat(out.resolve(BestModel.DIR)).doesNotExist();
        assertThat(BestModel.read(out)).isEmpty();
    }

    @Test
    void aKillBetweenTheRenamesLeavesTheNewBestAndAKillWhileWritingLeavesTheOld() throws IOException {
        Path out = dir.resolve("killed");
        Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(true), out, null).runUntil(8);
        byte[] atStep8 = weights(out.resolve(BestModel.DIR));

        // killed while writing a new best: best.partial without best.json is discarded, the old best stays
        Files.createDirectories(out.resolve(BestModel.PARTIAL));
        Files.writeString(out.resolve(BestModel.PARTIAL).resolve(ModelDirectory.WEIGHTS), "half");
        BestModel.recover(out);
        assertThat(BestModel.read(out)).contains(new BestModel.Kept(8, 2.0));
        assertThat(out.resolve(BestModel.PARTIAL)).doesNotExist();

        // killed after best moved to best.old and before best.partial moved to best: the complete partial wins
        Files.move(out.resolve(BestModel.DIR), out.resolve(BestModel.OLD));
        Files.createDirectories(out.resolve(BestModel.PARTIAL));
        Files.write(out.resolve(BestModel.PARTIAL).resolve(ModelDirectory.WEIGHTS), atStep8);
        Files.writeString(out.resolve(BestModel.PARTIAL).resolve(BestModel.INFO), "{\"step\": 12, \"val_loss\": 1.25}");
        assertThat(BestModel.read(out)).as("reading changes nothing").isEmpty();
        BestModel.recover(out);
        assertThat(BestModel.read(out)).contains(new BestModel.Kept(12, 1.25));
        assertThat(out.resolve(BestModel.OLD)).doesNotExist();
    }

    static TrainConfig roundTrip(Map<String, Object> json) {
        return TrainConfig.fromJson(new JsonFields(Json.parse(Json.writePretty(json)), "t"));
    }

    @Test
    void theSettingRoundTripsAndOlderRunsKeptNone() {
        assertThat(roundTrip(cfg(true).toJson())).isEqualTo(cfg(true));
        assertThat(roundTrip(cfg(false).toJson())).isEqualTo(cfg(false));
        Map<String, Object> old = new java.util.LinkedHashMap<>(cfg(true).toJson());
        old.remove("keep_best");
        assertThat(roundTrip(old)).isEqualTo(cfg(false));
    }

    /** Stops the run right after the model of {@code step} was kept, before its checkpoint (as a kill would). */
    static final class KilledAfterBest implements TrainListener {
        final long step;

        KilledAfterBest(long step) {
            this.step = step;
        }

        @Override
        public void onBest(long s, double valLoss, Path dir) {
            if (s == step) {
                throw new IllegalStateException("killed");
            }
        }
    }

    @Test
    void aKillBetweenTheBestAndItsCheckpointLosesNeither() throws IOException {
        Path straight = dir.resolve("straight");
        Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(true), straight, null).run();

        Path cut = dir.resolve("cut");
        assertThatThrownBy(() -> Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(true), cut, new KilledAfterBest(16)).run())
                .hasMessage("killed");
        assertThat(Checkpoint.latest(cut).step()).isEqualTo(12);        // step 16's checkpoint was never written
        assertThat(BestModel.read(cut)).contains(new BestModel.Kept(16, 1.5));
        Trainer.Saved saved = Trainer.readCheckpoint(Checkpoint.latest(cut));
        Trainer.resume(saved, new Scripted(saved.step(), 99), TrainConfig.fromJson(saved.train()), cut, null).run();
        assertThat(BestModel.read(cut)).contains(new BestModel.Kept(16, 1.5));
        assertThat(weights(cut.resolve(BestModel.DIR))).isEqualTo(weights(straight.resolve(BestModel.DIR)));
    }

    @Test
    void aNewRunStartsItsBestAfreshAndNeverReplacesABestItDidNotWrite() throws IOException {
        Path out = dir.resolve("stale");
        Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(true), out, null).runUntil(8);
        Files.writeString(out.resolve(BestModel.DIR).resolve(BestModel.INFO), "{\"step\": 4, \"val_loss\": 0.5}");   // better than any step of the script
        Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(true), out, null).run();
        assertThat(BestModel.read(out)).contains(new BestModel.Kept(16, 1.5));

        Path mine = dir.resolve("mine");
        Files.createDirectories(mine.resolve(BestModel.DIR));
        Files.writeString(mine.resolve(BestModel.DIR).resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> Trainer.start(new Scripted(0, 3), Map.of("source", "test"), cfg(true), mine, null).run())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no best.json");
        BestModel.delete(mine);
        assertThat(mine.resolve(BestModel.DIR).resolve("notes.txt")).hasContent("mine");
    }
}
