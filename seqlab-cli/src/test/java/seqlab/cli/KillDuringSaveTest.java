package seqlab.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.tensor.Rng;
import seqlab.train.Checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FAULTS.md C1: a training process killed with SIGKILL at a random moment — it checkpoints after
 * every step, so most kills land inside a save — always leaves a directory from which the newest
 * complete checkpoint is found and the run resumes.
 */
class KillDuringSaveTest {

    @TempDir
    Path dir;

    @Test
    void aKilledRunAlwaysLeavesAResumableCheckpoint() throws Exception {
        Rng rng = new Rng(2024);
        Path out = dir.resolve("run");
        int kills = 0;
        boolean saved = false;                                          // has a checkpoint ever been complete?
        for (int round = 0; round < 6; round++) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    "seqlab.cli.Main", "train", "--steps", "100000", "--threads", "1"));
            cmd.addAll(!saved                                           // the first round, or a kill before the first save
                    ? List.of("--out", out.toString(), "--force", "--arch", "lstm", "--data", "builtin:arithmetic", "--layers", "1",
                            "--hidden", "32", "--embed", "8", "--seq", "16", "--batch", "4", "--eval-every", "1", "--eval-batches", "1")
                    : List.of("--resume", out.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log" + round).toFile()).start();
            Path log = dir.resolve("log" + round);
            for (int wait = 0; wait < 600 && p.isAlive() && !(Files.exists(log) && Files.readString(log).contains("training ")); wait++) {
                Thread.sleep(100);                                      // until the JVM is up and the loop has begun
            }
            for (int wait = 0; wait < 600 && p.isAlive() && !saved && !complete(out); wait++) {
                Thread.sleep(100);                                      // a loaded machine may take seconds to the first save
            }
            Thread.sleep(300 + rng.nextInt(2500));                      // then a random moment in the step/save loop
            assertThat(p.isAlive()).as("training still running in round %d: %s", round,
                    Files.exists(dir.resolve("log" + round)) ? Files.readString(dir.resolve("log" + round)) : "").isTrue();
            p.destroyForcibly();                                        // SIGKILL on Linux
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            kills++;
            if (!saved && !complete(out)) {
                continue;                                               // killed before the first save completed
            }
            Checkpoint.Found found = Checkpoint.latest(out);            // once one was saved, one must always verify
            saved = true;
            assertThat(found.step()).isPositive();
            assertThat(out.resolve("config.json")).exists();
            try (var files = Files.walk(out)) {
                List<Path> temps = files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
                assertThat(temps.size()).as("temporary files left by the kill (at most the one being written)").isLessThanOrEqualTo(1);
            }
        }
        assertThat(kills).isEqualTo(6);
        assertThat(saved).as("some round lived long enough to save").isTrue();
        assertThat(new File(out.toFile(), Checkpoint.DIR).list()).isNotEmpty();
    }

    private static boolean complete(Path out) {
        if (!Files.isDirectory(out.resolve(Checkpoint.DIR))) {
            return false;
        }
        try {
            Checkpoint.latest(out);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
