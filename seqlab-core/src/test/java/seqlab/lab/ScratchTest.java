package seqlab.lab;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An experiment's scratch directory goes away after the run, after a failure, and when the JVM is killed mid-run. */
class ScratchTest {

    @Test
    void isDeletedAfterTheRunAndAfterAFailure() throws Exception {
        AtomicReference<Path> seen = new AtomicReference<>();
        int r = Scratch.use(dir -> {
            seen.set(dir);
            write(dir.resolve("checkpoints/step-1.safetensors"));
            return 7;
        });
        assertThat(r).isEqualTo(7);
        assertThat(seen.get()).doesNotExist();
        assertThatThrownBy(() -> Scratch.use(dir -> {
            seen.set(dir);
            write(dir.resolve("log.csv"));
            throw new IllegalStateException("diverged");
        })).hasMessage("diverged");
        assertThat(seen.get()).doesNotExist();
    }

    @Test
    void isDeletedWhenTheJvmIsStoppedMidRun() throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ScratchTest.class.getName())).redirectErrorStream(true).start();
        Path dir;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            String line = out.readLine();                     // the child names its directory once it holds a file
            assertThat(line).as("child output").isNotNull().startsWith("dir ");
            dir = Path.of(line.substring(4));
            assertThat(dir.resolve("log.csv")).exists();
            p.destroy();                                      // SIGTERM, as kill or a closing terminal sends
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dir).doesNotExist();
    }

    /** The child of {@link #isDeletedWhenTheJvmIsStoppedMidRun}: a run that never ends. */
    public static void main(String[] args) {
        Scratch.use(dir -> {
            write(dir.resolve("log.csv"));
            System.out.println("dir " + dir);
            System.out.flush();
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return null;
                }
            }
        });
    }

    private static void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "x");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
