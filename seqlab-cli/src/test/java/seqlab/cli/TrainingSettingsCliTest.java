package seqlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.train.Checkpoint;
import seqlab.train.Trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static seqlab.cli.CliTest.assertUserError;
import static seqlab.cli.CliTest.run;

/** PyTorch's optimizer defaults, the effective settings printed and saved, schedules, and what a resume may change. */
class TrainingSettingsCliTest {

    @TempDir
    Path dir;

    static String[] lstm(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--arch", "lstm", "--data", "builtin:sentences", "--out", out.toString(),
                "--layers", "1", "--hidden", "64", "--embed", "16", "--seq", "32", "--batch", "16", "--steps", "150", "--lr", "2e-3",
                "--schedule", "constant", "--eval-every", "150", "--eval-batches", "5", "--threads", "1"));
        a.addAll(Arrays.asList(extra));
        return a.toArray(new String[0]);
    }

    static double finalValLoss(CliTest.Run r) {
        String done = r.err().lines().filter(l -> l.startsWith("done: step")).findFirst().orElseThrow();
        return Double.parseDouble(done.replaceAll(".*val loss ([0-9.]+).*", "$1"));
    }

    static JsonFields trainSettings(Path out) {
        Trainer.Saved s = Trainer.readCheckpoint(Checkpoint.latest(out));
        return s.train();
    }

    /**
     * --optimizer adam is torch.optim.Adam: no weight decay unless asked. With the old default of
     * L2 0.01 added to the gradient the same char-LSTM stays near the unigram loss (≈ 3.0 nats).
     */
    @Test
    void adamIsTorchsAdamAndLearns() {
        CliTest.Run adam = run(lstm(dir.resolve("adam"), "--optimizer", "adam"));
        assertThat(adam.code()).as(adam.err()).isZero();
        assertThat(adam.err()).contains("optimizer: adam (β 0.9, 0.999, ε 1e-8), weight decay 0; lr 0.002, constant; clip 1");
        CliTest.Run l2 = run(lstm(dir.resolve("adam-l2"), "--optimizer", "adam", "--weight-decay", "0.01"));
        assertThat(l2.code()).as(l2.err()).isZero();
        assertThat(finalValLoss(adam)).as("Adam, PyTorch's defaults").isLessThan(2.7);
        assertThat(finalValLoss(l2)).as("Adam with L2 0.01 (the old default)").isGreaterThan(2.9);
        JsonFields saved = trainSettings(dir.resolve("adam"));
        assertThat(saved.number("weight_decay", 0, 1)).isZero();
        assertThat(saved.list("betas")).containsExactly(Json.parse("0.9"), Json.parse("0.999"));
        assertThat(saved.number("eps", 0, 1)).isEqualTo(1e-8);
        assertThat(saved.number("momentum", 0, 1)).isZero();
    }

    @Test
    void defaultsPerOptimizerAreTorchOptims() {
        CliTest.Run adamw = run(CliTest.tinyTrain(dir.resolve("adamw")));
        assertThat(adamw.err()).contains("optimizer: adamw (β 0.9, 0.999, ε 1e-8), weight decay 0.01 (decoupled; matrices and embeddings only)");
        CliTest.Run sgd = run(CliTest.tinyTrain(dir.resolve("sgd"), "--optimizer", "sgd", "--lr", "0.1"));
        assertThat(sgd.err()).contains("optimizer: sgd (momentum 0), weight decay 0; lr 0.1, cosine: warm-up 0 steps");
        CliTest.Run momentum = run(CliTest.tinyTrain(dir.resolve("sgd-m"), "--optimizer", "sgd", "--momentum", "0.9", "--dropout", "0.1"));
        assertThat(momentum.err()).contains("optimizer: sgd (momentum 0.9)");
        assertThat(dir.resolve("sgd-m").resolve("config.json")).content().contains("\"dropout\": 0.1,");
    }

    @Test
    void theWarmupIsStatedRecordedAndWarnedAboutWhenCut() {
        CliTest.Run def = run(CliTest.tinyTrain(dir.resolve("short")));                       // 6 steps: a tenth is 0
        assertThat(def.err()).contains("cosine: warm-up 0 steps, then down to 0.0002 at step 6").doesNotContain("warning");
        CliTest.Run cut = run(CliTest.tinyTrain(dir.resolve("cut"), "--warmup", "100"));
        assertThat(cut.code()).as(cut.err()).isZero();
        assertThat(cut.err()).contains("seqlab: warning: --warmup 100 is longer than --steps 6; the warm-up is cut to 6 steps "
                + "and the run ends at its peak learning rate").contains("cosine: warm-up 6 steps");
        assertThat(trainSettings(dir.resolve("cut")).integer("warmup", 0)).isEqualTo(6);
    }

    @Test
    void aResumeMayOnlyGrowAndSaysHowTheScheduleStretches() {
        Path run = dir.resolve("run");
        assertThat(run(CliTest.tinyTrain(run)).code()).isZero();
        assertUserError(run("train", "--resume", run.toString(), "--out", dir.resolve("elsewhere").toString()),
                "--out cannot be given with --resume: the run keeps the settings of its checkpoint; copy the run directory first");
        assertUserError(run("train", "--resume", run.toString(), "--force"), "--force cannot be given with --resume");
        assertUserError(run("train", "--resume", run.toString(), "--steps", "3"),
                "--steps 3 is below the checkpoint's step 6 in " + run.resolve("checkpoints").resolve("step-00000006")
                        + "; a resumed run can only grow: give --steps 6 or more");
        assertThat(dir.resolve("elsewhere")).doesNotExist();
        CliTest.Run longer = run("train", "--resume", run.toString(), "--steps", "12", "--threads", "1");
        assertThat(longer.code()).as(longer.err()).isZero();
        assertThat(longer.err()).contains("seqlab: the cosine schedule now ends at step 12 instead of 6: the learning rate at step 6 is ")
                .contains("resuming " + run + " from step 6 to 12").contains("done: step 12");
        CliTest.Run same = run("train", "--resume", run.toString(), "--threads", "1");
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.err()).doesNotContain("NaN").contains("done: step 12");
    }

    @Test
    void theRunRecordsItsDataAbsolutelyAndSaysWhereItCameFromWhenItMoved() throws IOException {
        Path text = dir.resolve("corpus.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(200));
        Path run = dir.resolve("moved");
        String[] args = CliTest.tinyTrain(run);
        args[Arrays.asList(args).indexOf("builtin:sentences")] = text.toString();
        assertThat(run(args).code()).isZero();
        assertThat(Trainer.readCheckpoint(Checkpoint.latest(run)).data().get("source")).isEqualTo(text.toAbsolutePath().normalize().toString());
        Path moved = Files.move(text, dir.resolve("corpus-moved.txt"));
        assertUserError(run("train", "--resume", run.toString(), "--steps", "8"),
                text + ": no such file; the run's data " + text.toAbsolutePath().normalize() + " (recorded in " + run.resolve("checkpoints")
                        .resolve("step-00000006").resolve("trainer.json") + "; give --data if it moved)");
        CliTest.Run r = run("train", "--resume", run.toString(), "--steps", "8", "--data", moved.toString(), "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("done: step 8");
    }

    @Test
    void aSeq2seqRunSaysItsEpochsInSignificantFigures() {
        CliTest.Run r = run(Seq2SeqCliTest.tiny(dir.resolve("s2s"), "none"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("6 steps = 0\\.00[0-9]+ epochs").doesNotContain("= 0.0 epochs");
    }

    @Test
    void keepBestKeepsALoadableModelOfTheLowestValidationLossAndForceClearsIt() throws IOException {
        Path out = dir.resolve("best");
        String[] args = CliTest.tinyTrain(out, "--keep-best");
        args[Arrays.asList(args).indexOf("--steps") + 1] = "12";
        CliTest.Run r = run(args);
        assertThat(r.code()).as(r.err()).isZero();
        List<Double> vals = r.err().lines().filter(l -> l.contains("val loss") && !l.startsWith("done"))
                .map(l -> Double.parseDouble(l.replaceAll(".*val loss ([0-9.]+).*", "$1"))).toList();
        assertThat(vals).hasSize(4);
        int best = vals.indexOf(vals.stream().min(Double::compare).orElseThrow());
        assertThat(r.err()).containsPattern(String.format(java.util.Locale.ROOT, "the best \\(step %d, val loss %.4f\\) in .*best,",
                3 * (best + 1), vals.get(best)));
        JsonFields info = new JsonFields(Json.parse(Files.readString(out.resolve("best").resolve("best.json"))), "best.json");
        assertThat(info.integer("step", 0, 12)).isEqualTo(3 * (best + 1));
        assertThat(r.err()).contains(String.format(java.util.Locale.ROOT, "step %d/12: the lowest validation loss so far, model kept in %s",
                3 * (best + 1), out.resolve("best")));
        assertThat(r.err().lines().filter(l -> l.contains("model kept in")).count()).as("one line per new best")
                .isEqualTo(java.util.stream.IntStream.range(0, vals.size()).filter(i -> vals.get(i) < vals.subList(0, i).stream()
                        .min(Double::compare).orElse(Double.POSITIVE_INFINITY)).count());
        assertThat(trainSettings(out).bool("keep_best")).isTrue();

        CliTest.Run eval = run("eval", "--model", out.resolve("best").toString(), "--data", "builtin:sentences");
        assertThat(eval.code()).as(eval.err()).isZero();

        CliTest.Run again = run(CliTest.tinyTrain(out, "--force"));                      // a new run without --keep-best
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(out.resolve("best")).doesNotExist();
        assertThat(again.err()).doesNotContain("the best");

        Path onlyBest = dir.resolve("only-best");                                           // a run killed before its first checkpoint
        Files.createDirectories(onlyBest.resolve("best"));
        Files.writeString(onlyBest.resolve("best").resolve("best.json"), "{\"step\": 3, \"val_loss\": 0.1}");
        assertUserError(run(CliTest.tinyTrain(onlyBest, "--keep-best")), "already holds a run");
        assertThat(onlyBest.resolve("best").resolve("best.json")).exists();
    }

    @Test
    void aKeptSeq2seqBestIsEvaluatedOnItsRunsData() {
        Path out = dir.resolve("s2s-best");
        CliTest.Run r = run(Seq2SeqCliTest.tiny(out, "none", "--keep-best"));
        assertThat(r.code()).as(r.err()).isZero();
        CliTest.Run eval = run("eval", "--model", out.resolve("best").toString(), "--split", "test");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("builtin:reverse, test split");
    }

    @Test
    void keepBestRefusesABestThatIsNotADirectory() throws IOException {
        Path out = dir.resolve("file");
        Files.createDirectories(out);
        Files.writeString(out.resolve("best"), "mine");
        assertUserError(run(CliTest.tinyTrain(out, "--keep-best")), "--keep-best: " + out.resolve("best") + " exists and is not a directory");
        assertThat(out.resolve("best")).hasContent("mine");
        Path dirOfMine = dir.resolve("dir");
        Files.createDirectories(dirOfMine.resolve("best"));
        assertUserError(run(CliTest.tinyTrain(dirOfMine, "--keep-best")), "holds no best.json");
        assertThat(dirOfMine.resolve("best")).isDirectory();
    }
}
