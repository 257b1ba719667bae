package seqlab.cli;

/** A user-caused error found by the CLI itself (exit code 2, one line). */
final class UserException extends RuntimeException {

    UserException(String message) {
        super(message);
    }
}
