package seqlab.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import seqlab.io.IoErrors;
import seqlab.io.Directories;

/**
 * A temporary directory for an experiment's training runs (checkpoints, logs), deleted afterwards,
 * also when the JVM is stopped in the middle (Ctrl-C, kill): a shutdown hook removes it then.
 */
final class Scratch {

    private Scratch() {}

    static <T> T use(Function<Path, T> body) {
        Path dir;
        try {
            dir = Files.createTempDirectory("seqlab-lab-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory: " + IoErrors.describe(e), e);
        }
        Thread onExit = new Thread(() -> deleteQuietly(dir), "seqlab-scratch-cleanup");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            return body.apply(dir);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to; it deletes the directory
            }
            Directories.deleteTree(dir);
        }
    }

    /** Best effort while the JVM exits: a run still writing there may recreate a file, so try twice. */
    private static void deleteQuietly(Path dir) {
        for (int attempt = 0; attempt < 2 && Files.exists(dir); attempt++) {
            try {
                Directories.deleteTree(dir);
            } catch (UncheckedIOException e) {
                // a file went away or appeared meanwhile; try again
            }
        }
    }
}
