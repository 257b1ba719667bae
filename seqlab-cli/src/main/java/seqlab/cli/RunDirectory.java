package seqlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import seqlab.model.ModelDirectory;
import seqlab.train.Checkpoint;
import seqlab.train.RunLock;

/** A directory a command writes a run or a model into ({@code train --out}, {@code demo --out}), checked before any work. */
final class RunDirectory {

    private RunDirectory() {}

    /** Whether {@code dir} holds a run already (a model's config.json, checkpoints or a kept best): overwritten only with --force. */
    static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve(ModelDirectory.CONFIG)) || Files.exists(dir.resolve(Checkpoint.DIR))
                || seqlab.train.BestModel.isKept(dir.resolve(seqlab.train.BestModel.DIR));
    }

    /** Says on stderr that the run took over a lock its holder left when it died, if it did. */
    static void sayStaleLock(RunLock lock, java.io.PrintWriter err) {
        if (lock.staleHolder() != null) {
            err.println("seqlab: took over the stale lock of " + lock.dir() + " (" + lock.staleHolder() + ", no longer running)");
        }
    }

    static void check(String flag, Path dir) {
        if (dir.toString().isEmpty()) {
            throw new UserException(flag + " is empty; give a directory for the run (it is created if missing)");
        }
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new UserException(flag + " " + dir + ": " + (p.equals(dir.toAbsolutePath()) ? "it" : p)
                            + (Files.isRegularFile(p) ? " is a file" : " is not a directory") + ", expected a directory (created if missing)");
                }
                if (!Files.isWritable(p)) {
                    throw new UserException(flag + " " + dir + ": " + p + " is not writable; choose another directory");
                }
                return;
            }
        }
    }
}
