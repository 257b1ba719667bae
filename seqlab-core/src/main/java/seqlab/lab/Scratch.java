package seqlab.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import seqlab.io.Directories;

/** A temporary directory for an experiment's training runs (checkpoints, logs), deleted afterwards. */
final class Scratch {

    private Scratch() {}

    static <T> T use(Function<Path, T> body) {
        Path dir;
        try {
            dir = Files.createTempDirectory("seqlab-lab-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            return body.apply(dir);
        } finally {
            Directories.deleteTree(dir);
        }
    }
}
