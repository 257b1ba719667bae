package seqlab.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Directory helpers. */
public final class Directories {

    private Directories() {}

    /** Deletes a directory and everything in it (children first). */
    public static void deleteTree(Path d) {
        try (var walk = Files.walk(d)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + d + ": " + IoErrors.describe(e), e);
        }
    }
}
