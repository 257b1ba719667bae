package seqlab.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import seqlab.io.AtomicFiles;
import seqlab.io.Directories;
import seqlab.io.IoErrors;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.model.ModelDirectory;

/**
 * The model of the lowest validation loss so far, kept as a model directory in {@code <out>/best/}
 * (config.json, model.safetensors, tokenizer.json, and best.json with its step and loss) that every
 * command loads as it loads {@code <out>}. It is written whole into {@code best.partial/}, then the
 * old one is renamed away and the new one into place: a kill while writing leaves the old best; a
 * kill in the instant between the two renames leaves the new one complete in {@code best.partial/},
 * which the trainer puts in place when the run is resumed ({@link #recover}). A {@code best/} that
 * holds no best.json was not written here and is never replaced.
 */
public final class BestModel {

    public static final String DIR = "best";
    static final String PARTIAL = "best.partial";
    static final String OLD = "best.old";
    static final String INFO = "best.json";

    private BestModel() {}

    /** Whether {@code dir} is a model directory written here whole (its best.json, written last, is there). */
    public static boolean isKept(Path dir) {
        return Files.isRegularFile(dir.resolve(INFO));
    }

    /** The step and validation loss of a kept model. */
    public record Kept(long step, double valLoss) {}

    /** The kept model of the run in {@code out}, if it keeps one; reads only. */
    public static Optional<Kept> read(Path out) {
        Path info = out.resolve(DIR).resolve(INFO);
        if (!isKept(out.resolve(DIR))) {
            return Optional.empty();
        }
        JsonFields j = ModelDirectory.readJson(info);
        return Optional.of(new Kept(j.integer("step", 0, Long.MAX_VALUE), j.number("val_loss", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY)));
    }

    /**
     * Refuses a {@code best} that this class did not write (a file, or a directory without
     * best.json): a run with keepBest would replace it.
     */
    public static void requireOurs(Path out) {
        Path best = out.resolve(DIR);
        if (Files.exists(best) && !isKept(best)) {
            throw new IllegalArgumentException("--keep-best: " + best + (Files.isDirectory(best) ? " holds no " + INFO
                    + " (it was not written by --keep-best)" : " exists and is not a directory") + "; move it away or choose another --out");
        }
    }

    /** Replaces the kept model with the task's model at {@code step}; returns its directory. */
    static Path write(Path out, TrainingTask task, long step, double valLoss) {
        Path partial = out.resolve(PARTIAL);
        Path best = out.resolve(DIR);
        Path old = out.resolve(OLD);
        requireOurs(out);
        deleteIfPresent(partial);
        task.save(partial);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("step", step);
        info.put("val_loss", valLoss);
        AtomicFiles.writeString(partial.resolve(INFO), Json.writePretty(info));    // last: a partial with best.json is complete
        try {
            if (Files.exists(best)) {
                deleteIfPresent(old);
                Files.move(best, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(partial, best, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + partial + " to " + best + ": " + IoErrors.describe(e), e);
        }
        deleteIfPresent(old);
        return best;
    }

    /** Deletes the kept model and what a kill may have left of one (a run started again with --force); a {@code best} not written here stays. */
    public static void delete(Path out) {
        deleteIfPresent(out.resolve(PARTIAL));
        deleteIfPresent(out.resolve(OLD));
        if (isKept(out.resolve(DIR))) {
            deleteIfPresent(out.resolve(DIR));
        }
    }

    /** After a kill: a complete partial whose rename did not happen becomes the best; anything else left over goes. */
    static void recover(Path out) {
        Path partial = out.resolve(PARTIAL);
        Path best = out.resolve(DIR);
        if (!Files.exists(best) && isKept(partial)) {
            try {
                Files.move(partial, best, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move " + partial + " to " + best + ": " + IoErrors.describe(e), e);
            }
        }
        deleteIfPresent(partial);
        deleteIfPresent(out.resolve(OLD));
    }

    private static void deleteIfPresent(Path d) {
        if (Files.isDirectory(d)) {
            Directories.deleteTree(d);
        }
    }
}
