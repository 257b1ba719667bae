package seqlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.train.RunLock;

import static org.assertj.core.api.Assertions.assertThat;
import static seqlab.cli.CliTest.assertUserError;
import static seqlab.cli.CliTest.run;

/**
 * Two runs never share one --out: a second run, in this JVM or another, gets one line naming the
 * holder, and --force does not take the directory away from a live run; a run killed with -9
 * leaves a stale lock that the next run takes over.
 */
class RunLockCliTest {

    @TempDir
    Path dir;

    static Process train(Path out, Path log, String... extra) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), "seqlab.cli.Main", "train",
                "--out", out.toString(), "--steps", "100000", "--threads", "1", "--layers", "1", "--hidden", "16", "--embed", "8",
                "--seq", "16", "--batch", "4", "--eval-every", "1000"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void awaitTraining(Process p, Path log) throws Exception {
        for (int wait = 0; wait < 600 && p.isAlive() && !(Files.exists(log) && Files.readString(log).contains("training ")); wait++) {
            Thread.sleep(100);
        }
        assertThat(p.isAlive()).as("the other run is training: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
    }

    @Test
    void aSecondRunOnALiveRunsDirectoryIsRefusedAndAKilledRunsLockIsTakenOver() throws Exception {
        Path out = dir.resolve("shared");
        Path log = dir.resolve("first.log");
        Process first = train(out, log);
        try {
            awaitTraining(first, log);
            String holder = "pid " + first.pid() + ", since ";
            CliTest.Run second = run(CliTest.tinyTrain(out));
            assertUserError(second, out + " is in use by another training run (" + holder);
            assertUserError(run(CliTest.tinyTrain(out, "--force")), "is in use by another training run");
            assertUserError(run("train", "--resume", out.toString()), "is in use by another training run");
            assertThat(first.isAlive()).isTrue();
            first.destroyForcibly();                                                  // kill -9: the OS drops the lock
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(out.resolve(RunLock.FILE))).startsWith(holder);
            CliTest.Run after = run(CliTest.tinyTrain(out, "--force"));
            assertThat(after.code()).as(after.err()).isZero();
            assertThat(after.err()).contains("seqlab: took over the stale lock of " + out + " (" + holder).contains("no longer running)");
            assertThat(Files.readString(out.resolve(RunLock.FILE))).isEmpty();
        } finally {
            first.destroyForcibly();
        }
    }

    /** A lock this JVM holds stays held for other processes after a refused attempt here (POSIX drops locks on any close). */
    @Test
    void aRefusalInThisJvmDoesNotReleaseTheLockForOthers() throws Exception {
        Path out = dir.resolve("held");
        try (RunLock held = RunLock.acquire(out)) {
            assertUserError(run(CliTest.tinyTrain(out)), "pid " + ProcessHandle.current().pid());
            Path log = dir.resolve("other.log");
            Process other = train(out, log);
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(other.exitValue()).isEqualTo(2);
            assertThat(Files.readString(log)).contains("is in use by another training run (pid " + ProcessHandle.current().pid());
        }
    }
}
