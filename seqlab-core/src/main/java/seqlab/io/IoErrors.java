package seqlab.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What went wrong with a file, in words a user reads ("no such file or directory", "permission
 * denied", "No space left on device"), never a Java exception's class name.
 */
public final class IoErrors {

    private IoErrors() {}

    /** The cause of {@code e}; the caller's message names the file it was working on. */
    public static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException x -> "no such file or directory";
            case AccessDeniedException x -> "permission denied";
            case FileAlreadyExistsException x -> "already exists";
            case NotDirectoryException x -> "not a directory";
            case DirectoryNotEmptyException x -> "directory not empty";
            case FileSystemException x -> x.getReason() != null ? x.getReason() : "file system error";
            default -> e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : "input/output error";
        };
    }
}
