package seqlab.cli;

import java.nio.file.Path;

import seqlab.io.OutputTarget;

/**
 * The rule for a file a command writes, checked before any work: a new file is created; an
 * existing regular file is replaced only with {@code --force}; a device, a FIFO or a descriptor
 * such as {@code /dev/stdout} is written through (never replaced, so no --force is needed); a
 * directory, block device or socket is refused.
 */
final class OutputFile {

    private OutputFile() {}

    /** The rule for each of {@code files} a command writes into the directory {@code dir} (which must not be a file). */
    static void checkInDirectory(String flag, Path dir, java.util.List<String> files, boolean force) {
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw new UserException(flag + " " + dir + " is a file; give a directory");
        }
        for (String f : files) {
            check(flag, dir.resolve(f), force);
        }
    }

    static void check(String flag, Path path, boolean force) {
        if (path.toString().isEmpty()) {
            throw new UserException(flag + " is empty; give a file name");
        }
        OutputTarget t = OutputTarget.of(path);
        switch (t.kind()) {
            case NEW -> { }
            case REGULAR -> {
                if (!force) {
                    throw new UserException(flag + " " + path + " exists; use --force to overwrite it");
                }
            }
            case STREAM -> { }
            case UNWRITABLE -> throw new UserException(flag + " " + path + " is " + t.what() + "; give a file name");
        }
    }
}
