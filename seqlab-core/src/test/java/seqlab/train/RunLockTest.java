package seqlab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One run per directory (the cross-process case, and kill -9, are in the CLI's RunLockCliTest). */
class RunLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondHolderIsRefusedWithTheFirstOnesPidUntilItReleases() {
        Path run = dir.resolve("run");
        try (RunLock first = RunLock.acquire(run)) {
            assertThat(first.staleHolder()).isNull();
            assertThatThrownBy(() -> RunLock.acquire(run)).isInstanceOf(RunLock.BusyException.class)
                    .hasMessageContaining(run + " is in use by another training run (pid " + ProcessHandle.current().pid() + ", since ")
                    .hasMessageContaining("train into another --out");
            assertThatThrownBy(() -> RunLock.acquire(run)).isInstanceOf(RunLock.BusyException.class);     // still held after a refusal
        }
        try (RunLock again = RunLock.acquire(run)) {
            assertThat(again.staleHolder()).isNull();                                   // released cleanly: not stale
        }
    }

    @Test
    void aLockFileNobodyHoldsIsStaleAndTakenOver() throws IOException {
        Path run = Files.createDirectories(dir.resolve("killed"));
        Files.writeString(run.resolve(RunLock.FILE), "pid 99999999, since 2026-01-01T00:00:00Z\n");   // what kill -9 leaves
        try (RunLock lock = RunLock.acquire(run)) {
            assertThat(lock.staleHolder()).isEqualTo("pid 99999999, since 2026-01-01T00:00:00Z");
            assertThat(Files.readString(run.resolve(RunLock.FILE))).startsWith("pid " + ProcessHandle.current().pid() + ", since ");
        }
        assertThat(Files.readString(run.resolve(RunLock.FILE))).isEmpty();
    }

    @Test
    void checkingWritesNothingAndSeesALiveHolder() throws IOException {
        Path run = dir.resolve("new-parent").resolve("run");
        RunLock.requireFree(run);
        assertThat(dir.resolve("new-parent")).doesNotExist();
        try (RunLock lock = RunLock.acquire(run)) {
            assertThatThrownBy(() -> RunLock.requireFree(run)).isInstanceOf(RunLock.BusyException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        RunLock.requireFree(run);                                                       // released
        assertThat(Files.readString(run.resolve(RunLock.FILE))).isEmpty();              // the file stays, emptied
        Files.writeString(run.resolve(RunLock.FILE), "pid 99999999, since 2026-01-01T00:00:00Z\n");
        RunLock.requireFree(run);                                                       // stale: free
        assertThat(Files.readString(run.resolve(RunLock.FILE))).startsWith("pid 99999999");   // and left as it was
    }
}
