package seqlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** A directory a command writes a run or a model into ({@code train --out}, {@code demo --out}), checked before any work. */
final class RunDirectory {

    private RunDirectory() {}

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
