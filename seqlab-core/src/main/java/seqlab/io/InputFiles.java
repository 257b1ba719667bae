package seqlab.io;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Input files are regular files: a FIFO with no writer would block a read forever and a device
 * never ends, so both are refused before anything is opened.
 */
public final class InputFiles {

    private InputFiles() {}

    /**
     * Checks that {@code path} names a regular file (symbolic links followed).
     *
     * @param expected what the file should be, for the message ("a text file", "a safetensors file")
     */
    public static void requireRegular(Path path, String expected) {
        if (path.toString().isEmpty()) {
            throw new IllegalArgumentException("the file name is empty; give " + expected);
        }
        if (Files.isRegularFile(path)) {
            return;
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(path + ": no such file");
        }
        String what = Files.isDirectory(path) ? "a directory" : "not a regular file (a FIFO, socket or device)";
        throw new IllegalArgumentException(path + " is " + what + ", expected " + expected);
    }
}
