package seqlab.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import seqlab.io.IoErrors;
import seqlab.io.AtomicFiles;
import seqlab.io.Directories;
import seqlab.io.FormatException;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.io.Safetensors;
import seqlab.model.ModelDirectory;

/**
 * Training checkpoints under {@code <out>/checkpoints/step-NNNNNNNN/}: model.safetensors,
 * optimizer.safetensors, trainer.json (step, RNG states, configs, data), and manifest.json, written
 * last with each file's size and SHA-256: the manifest is the commit point. Each file is written
 * atomically; a run killed mid-save leaves a directory without a manifest, which is skipped. On
 * resume the newest directory whose manifest verifies is used; older ones are pruned after each
 * commit (the last two are kept).
 */
public final class Checkpoint {

    public static final String DIR = "checkpoints";
    static final String MANIFEST = "manifest.json";
    static final String MODEL = "model.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String TRAINER = "trainer.json";

    /** A verified checkpoint found on disk, and the ones skipped on the way (with why). */
    public record Found(Path dir, long step, List<String> skipped) {}

    private Checkpoint() {}

    static Path stepDir(Path out, long step) {
        return out.resolve(DIR).resolve(String.format("step-%08d", step));
    }

    /** Writes the files then the manifest; prunes older checkpoints. */
    static Path write(Path out, long step, Map<String, Safetensors.Entry> model, Map<String, Safetensors.Entry> optimizer,
                      Map<String, Object> trainer) {
        Path dir = stepDir(out, step);
        try {
            if (Files.exists(dir)) {
                Directories.deleteTree(dir);
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create checkpoint directory " + dir + ": " + IoErrors.describe(e), e);
        }
        Safetensors.write(dir.resolve(MODEL), model, Map.of("format", "pt"));
        Safetensors.write(dir.resolve(OPTIMIZER), optimizer, Map.of());
        AtomicFiles.writeString(dir.resolve(TRAINER), Json.writePretty(trainer));
        Map<String, Object> files = new LinkedHashMap<>();
        for (String f : List.of(MODEL, OPTIMIZER, TRAINER)) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("bytes", size(dir.resolve(f)));
            info.put("sha256", sha256(dir.resolve(f)));
            files.put(f, info);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("step", step);
        manifest.put("files", files);
        AtomicFiles.writeString(dir.resolve(MANIFEST), Json.writePretty(manifest));
        prune(out, step);
        return dir;
    }

    /** Deletes checkpoint directories without a manifest (saves that a kill interrupted). */
    static void deleteUnfinished(Path out) {
        Path root = out.resolve(DIR);
        if (!Files.isDirectory(root)) {
            return;
        }
        for (Path d : stepDirs(root)) {
            if (!Files.exists(d.resolve(MANIFEST))) {
                Directories.deleteTree(d);
            }
        }
    }

    /** The newest checkpoint under {@code out} whose manifest and files verify. */
    public static Found latest(Path out) {
        Path root = out.resolve(DIR);
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(out + " has no checkpoints/ directory; resume takes the --out directory of an earlier 'seqlab train' run");
        }
        List<Path> dirs = stepDirs(root);
        List<String> skipped = new ArrayList<>();
        for (int i = dirs.size() - 1; i >= 0; i--) {
            Path d = dirs.get(i);
            String problem = verify(d);
            if (problem == null) {
                long step = ModelDirectory.readJson(d.resolve(MANIFEST)).integer("step", 0, Long.MAX_VALUE);
                return new Found(d, step, skipped);
            }
            skipped.add(d.getFileName() + " (" + problem + ")");
        }
        throw new IllegalArgumentException(out + ": no complete checkpoint"
                + (skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped)) + "; start a new run instead of --resume");
    }

    /** Null if the directory's manifest lists files whose sizes and hashes match; else the reason. */
    static String verify(Path dir) {
        Path m = dir.resolve(MANIFEST);
        if (!Files.exists(m)) {
            return "no manifest: the save did not finish";
        }
        try {
            JsonFields manifest = ModelDirectory.readJson(m);
            JsonFields files = manifest.object("files");
            for (String f : List.of(MODEL, OPTIMIZER, TRAINER)) {
                JsonFields info = files.object(f);
                Path p = dir.resolve(f);
                if (!Files.exists(p)) {
                    return f + " missing";
                }
                if (size(p) != info.integer("bytes", 0, Long.MAX_VALUE)) {
                    return f + " has the wrong size";
                }
                if (!sha256(p).equals(info.string("sha256"))) {
                    return f + " does not match its SHA-256";
                }
            }
            return null;
        } catch (IllegalArgumentException e) {
            return "bad manifest: " + e.getMessage();
        }
    }

    private static List<Path> stepDirs(Path root) {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "step-*")) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    dirs.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + IoErrors.describe(e), e);
        }
        dirs.sort(null);
        return dirs;
    }

    private static void prune(Path out, long keepStep) {
        List<Path> dirs = stepDirs(out.resolve(DIR));
        // keep the new one and the newest verified one before it
        int kept = 0;
        for (int i = dirs.size() - 1; i >= 0; i--) {
            Path d = dirs.get(i);
            if (kept < 2 && verify(d) == null) {
                kept++;
                continue;
            }
            if (!d.equals(stepDir(out, keepStep))) {
                Directories.deleteTree(d);
            }
        }
    }


    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + IoErrors.describe(e), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the optimizer buffers of a checkpoint into an optimizer. */
    static void loadOptimizer(Path dir, Optimizer opt, long steps) {
        Safetensors.File f = Safetensors.open(dir.resolve(OPTIMIZER));
        Map<String, float[]> state = new LinkedHashMap<>();
        for (String name : f.tensors().keySet()) {
            state.put(name, f.floats(name));
        }
        try {
            opt.load(state, steps);
        } catch (IllegalArgumentException e) {
            throw new FormatException(dir.resolve(OPTIMIZER) + ": " + e.getMessage() + "; the checkpoint was made with another --optimizer");
        }
    }
}
