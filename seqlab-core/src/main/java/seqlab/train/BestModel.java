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
 * command loads as it loads {@code <out>}. It is written whole into {@code best.partial/} and then
 * renamed into place, so a kill leaves either the old best or the new one; the next run of the
 * trainer finishes or discards what a kill interrupted.
 */
public final class BestModel {

    public static final String DIR = "best";
    static final String PARTIAL = "best.partial";
    static final String OLD = "best.old";
    static final String INFO = "best.json";

    private BestModel() {}

    /** The step and validation loss of a kept model. */
    public record Kept(long step, double valLoss) {}

    /** The kept model of the run in {@code out}, if it keeps one (after finishing a rename a kill interrupted). */
    public static Optional<Kept> read(Path out) {
        recover(out);
        Path info = out.resolve(DIR).resolve(INFO);
        if (!Files.isRegularFile(info)) {
            return Optional.empty();
        }
        JsonFields j = ModelDirectory.readJson(info);
        return Optional.of(new Kept(j.integer("step", 0, Long.MAX_VALUE), j.number("val_loss", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY)));
    }

    /** Replaces the kept model with the task's model at {@code step}; returns its directory. */
    static Path write(Path out, TrainingTask task, long step, double valLoss) {
        Path partial = out.resolve(PARTIAL);
        Path best = out.resolve(DIR);
        Path old = out.resolve(OLD);
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

    /** Deletes the kept model and what a kill may have left of one (a run started again with --force). */
    public static void delete(Path out) {
        for (String d : new String[] {PARTIAL, OLD, DIR}) {
            deleteIfPresent(out.resolve(d));
        }
    }

    /** After a kill: a complete partial whose rename did not happen becomes the best; anything else left over goes. */
    static void recover(Path out) {
        Path partial = out.resolve(PARTIAL);
        Path best = out.resolve(DIR);
        if (!Files.exists(best) && Files.isRegularFile(partial.resolve(INFO))) {
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
