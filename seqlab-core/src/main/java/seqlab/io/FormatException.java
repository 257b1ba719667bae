package seqlab.io;

/**
 * A file or text that seqlab cannot accept: a malformed safetensors file, JSON, config or
 * tokenizer. The message is one line: what, where, expected versus got, and how to fix it.
 */
public class FormatException extends IllegalArgumentException {

    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
