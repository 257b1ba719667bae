package seqlab.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import seqlab.io.FormatException;
import seqlab.io.InputFiles;
import seqlab.io.IoErrors;
import seqlab.io.Json;
import seqlab.io.JsonFields;

/** Reading text files strictly, and showing text safely on a terminal. */
public final class Text {

    private Text() {}

    /**
     * The file's contents as UTF-8. Invalid UTF-8 is an error naming the file and the byte
     * offset (never silently replaced); a missing file, a directory or an empty file is an error.
     */
    public static String readUtf8(Path path) {
        byte[] bytes;
        InputFiles.requireRegular(path, "a text file");
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(path + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + IoErrors.describe(e), e);
        }
        if (bytes.length == 0) {
            throw new IllegalArgumentException(path + " is empty; give a text file with some content");
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            throw new IllegalArgumentException(path + " is not valid UTF-8 (bad byte 0x"
                    + String.format("%02x", bytes[in.position()] & 0xFF) + " at byte offset " + in.position()
                    + "); convert it to UTF-8, e.g. iconv -f latin1 -t utf-8");
        }
        dec.flush(out);
        String text = out.flip().toString();
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);                          // a byte-order mark is not text
        }
        return text;
    }

    /** A JSON object file ({@link #readUtf8}), with parse errors that name it. */
    public static JsonFields readJson(Path path) {
        return parseJson(readUtf8(path), path);
    }

    /** The JSON object of {@code text}, read from {@code path} (which errors name). */
    static JsonFields parseJson(String text, Path path) {
        Object json;
        try {
            json = Json.parse(text);
        } catch (FormatException e) {
            throw new FormatException(path + ": " + e.getMessage());
        }
        return new JsonFields(json, path.toString());
    }

    /** The text with control characters shown as escapes (\n, \t, \u0007), for messages. */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
                        b.append(String.format("\\u%04x", cp));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
        });
        return b.toString();
    }

    /** For a terminal: control characters other than newline and tab escaped. */
    public static String forTerminal(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
