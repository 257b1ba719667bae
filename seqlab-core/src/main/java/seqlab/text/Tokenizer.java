package seqlab.text;

import java.util.Map;

/** Text ↔ token ids. Saved as {@code tokenizer.json} ({@link #toJson()}, {@link Tokenizers#fromJson}). */
public interface Tokenizer {

    /** The ids of a text; unknown symbols follow the tokenizer's policy (see each class). */
    int[] encode(String text);

    /**
     * The ids of UTF-8 bytes (a file's). By default the bytes are read as UTF-8 with each invalid
     * sequence as U+FFFD; a byte-level tokenizer keeps every byte ({@link ByteLevelBpe#encode(byte[])}).
     */
    default int[] encode(byte[] utf8) {
        return encode(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The text of ids; fails on an id outside [0, V). */
    String decode(int[] ids);

    /**
     * The bytes of ids: by default the UTF-8 of {@link #decode}; a byte-level tokenizer gives each
     * token's bytes exactly, invalid UTF-8 included ({@link ByteLevelBpe#decodeBytes}).
     */
    default byte[] decodeBytes(int[] ids) {
        return decode(ids).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    int vocabSize();

    /** "char", "word" or "bpe". */
    String type();

    /** The vocabulary, id order. */
    java.util.List<String> vocab();

    Map<String, Object> toJson();

    /** The distinct pieces of {@code text} this tokenizer reads as an unknown token, in order of appearance (none by default). */
    default java.util.List<String> unknownWords(String text) {
        return java.util.List.of();
    }

    /** One line for {@code seqlab info}: "char, 65 tokens". */
    default String summary() {
        return String.format(java.util.Locale.ROOT, "%s, %,d tokens", type(), vocabSize());
    }

    /**
     * A decoder of ids that arrive one at a time (streamed generation): each call gives the text the
     * id completes. By default each id's own text.
     */
    default StreamingDecoder streamingDecoder() {
        return id -> decode(new int[] {id});
    }

    static void checkIds(int[] ids, int vocab) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " is out of range [0, " + vocab + ")");
            }
        }
    }
}
