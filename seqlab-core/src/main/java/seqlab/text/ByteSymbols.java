package seqlab.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte symbols ({@code bytes_to_unicode} in OpenAI's {@code encoder.py}): each of the 256
 * byte values stands for one printable character, so that a byte-level vocabulary can be written as
 * text. The 188 bytes that are printable in Latin-1 ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for
 * themselves; the other 68, in byte order, for U+0100 onwards (the space 0x20 for 'Ġ' U+0120, the
 * newline 0x0A for 'Ċ' U+010A).
 */
final class ByteSymbols {

    private static final char[] SYMBOL = new char[256];
    private static final int[] BYTE = new int[512];          // symbol → byte, −1 for a character that is no symbol

    static {
        java.util.Arrays.fill(BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            SYMBOL[b] = (char) (printable ? b : 256 + extra++);
            BYTE[SYMBOL[b]] = b;
        }
    }

    private ByteSymbols() {}

    static char symbol(int b) {
        return SYMBOL[b];
    }

    /**
     * The bytes a token stands for: each byte symbol its byte; any other character (an added token
     * written as plain text) its own UTF-8.
     */
    static byte[] toBytes(String token) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); ) {
            int c = token.codePointAt(i);
            if (c < BYTE.length && BYTE[c] >= 0) {
                out.write(BYTE[c]);
            } else {
                out.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
            }
            i += Character.charCount(c);
        }
        return out.toByteArray();
    }
}
