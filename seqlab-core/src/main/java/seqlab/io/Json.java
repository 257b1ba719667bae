package seqlab.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader and writer (RFC 8259): the JDK has no JSON API and the core depends
 * on the JDK alone. Objects become {@link LinkedHashMap} (duplicate keys rejected), arrays
 * {@link List}, strings {@link String}, true/false {@link Boolean}, null {@link #NULL}, and
 * numbers {@link Num} (the literal text, so that integers are never rounded through a double).
 * Nesting is limited to {@value #MAX_DEPTH} levels. Errors are {@link FormatException}s with the
 * line and column.
 */
public final class Json {

    /** JSON's null. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number, kept as its literal text. */
    public record Num(String text) {
        public boolean isInteger() {
            return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        }

        /** The exact value as a long; fails for fractions, exponents and out-of-range values. */
        public long longValueExact() {
            if (!isInteger()) {
                throw new NumberFormatException("not an integer: " + text);
            }
            return Long.parseLong(text);
        }

        public double doubleValue() {
            return Double.parseDouble(text);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static final int MAX_DEPTH = 256;

    private final String s;
    private int pos;
    private int depth;

    private Json(String s) {
        this.s = s;
    }

    /** Parses one JSON value; whitespace around it is allowed, anything else after it is not. */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.skipWhitespace();
        Object v = p.value();
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return v;
    }

    private FormatException error(String what) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(pos, s.length()); i++) {
            if (s.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new FormatException("invalid JSON at line " + line + ", column " + col + ": " + what);
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                break;
            }
        }
    }

    private Object value() {
        if (pos >= s.length()) {
            throw error("unexpected end of input");
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + printable(c) + "'");
            }
        };
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) {
            throw error("expected '" + word + "'");
        }
        pos += word.length();
        return v;
    }

    private Map<String, Object> object() {
        enter();
        pos++;
        Map<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < s.length() && s.charAt(pos) == '}') {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            skipWhitespace();
            if (pos >= s.length()) {
                throw error("unexpected end of input inside an object");
            }
            if (s.charAt(pos) != '"') {
                throw error("expected a string key");
            }
            int keyPos = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value();
            if (out.containsKey(key)) {
                pos = keyPos;
                throw error("duplicate key \"" + key + "\"");
            }
            out.put(key, v);
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
                continue;
            }
            expect('}');
            depth--;
            return out;
        }
    }

    private List<Object> array() {
        enter();
        pos++;
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (pos < s.length() && s.charAt(pos) == ']') {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            skipWhitespace();
            out.add(value());
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
                continue;
            }
            expect(']');
            depth--;
            return out;
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c) {
        if (pos >= s.length()) {
            throw error("unexpected end of input, expected '" + c + "'");
        }
        if (s.charAt(pos) != c) {
            throw error("expected '" + c + "', got '" + printable(s.charAt(pos)) + "'");
        }
        pos++;
    }

    private String string() {
        pos++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character " + printable(c) + " in a string (escape it)");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (pos >= s.length()) {
                throw error("unterminated escape");
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                case '/' -> b.append('/');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (pos + 4 > s.length()) {
                        throw error("truncated \\u escape");
                    }
                    int cp = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(s.charAt(pos + i), 16);
                        if (d < 0) {
                            throw error("bad hex digit in \\u escape");
                        }
                        cp = cp * 16 + d;
                    }
                    pos += 4;
                    b.append((char) cp);
                }
                default -> {
                    pos--;
                    throw error("unknown escape '\\" + printable(e) + "'");
                }
            }
        }
    }

    private Num number() {
        int start = pos;
        if (s.charAt(pos) == '-') {
            pos++;
        }
        if (pos >= s.length()) {
            throw error("truncated number");
        }
        if (s.charAt(pos) == '0') {
            pos++;
        } else if (isDigit()) {
            while (isDigit()) {
                pos++;
            }
        } else {
            throw error("expected a digit");
        }
        if (pos < s.length() && s.charAt(pos) == '.') {
            pos++;
            if (!isDigit()) {
                throw error("expected a digit after '.'");
            }
            while (isDigit()) {
                pos++;
            }
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                pos++;
            }
            if (!isDigit()) {
                throw error("expected a digit in the exponent");
            }
            while (isDigit()) {
                pos++;
            }
        }
        return new Num(s.substring(start, pos));
    }

    private boolean isDigit() {
        return pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9';
    }

    // ---------------------------------------------------------------- writing

    /**
     * A float as the double of its shortest decimal form (0.1f as 0.1, not 0.10000000149011612), so
     * that a value given as 0.1 is written as 0.1.
     */
    public static double decimal(float f) {
        return Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f;
    }

    /** Compact JSON (no spaces), keys in map order. */
    public static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, -1, 0);
        return b.toString();
    }

    /** Indented JSON (two spaces), keys in map order, with a final newline. */
    public static String writePretty(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, 2, 0);
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, int indent, int level) {
        if (v == null || v == NULL) {
            b.append("null");
        } else if (v instanceof String str) {
            quote(b, str);
        } else if (v instanceof Boolean bool) {
            b.append(bool);
        } else if (v instanceof Num n) {
            b.append(n.text());
        } else if (v instanceof Integer || v instanceof Long) {
            b.append(v);
        } else if (v instanceof Float || v instanceof Double) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON cannot hold the number " + d);
            }
            b.append(v instanceof Float f ? Float.toString(f) : Double.toString(d));
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (i++ > 0) {
                    b.append(',');
                }
                newline(b, indent, level + 1);
                quote(b, String.valueOf(e.getKey()));
                b.append(indent >= 0 ? ": " : ":");
                write(b, e.getValue(), indent, level + 1);
            }
            if (!m.isEmpty()) {
                newline(b, indent, level);
            }
            b.append('}');
        } else if (v instanceof List<?> list) {
            b.append('[');
            boolean flat = list.stream().noneMatch(x -> x instanceof Map || x instanceof List);
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(flat && indent >= 0 ? ", " : ",");
                }
                if (!flat) {
                    newline(b, indent, level + 1);
                }
                write(b, list.get(i), indent, level + 1);
            }
            if (!flat && !list.isEmpty()) {
                newline(b, indent, level);
            }
            b.append(']');
        } else if (v instanceof long[] arr) {
            List<Object> l = new ArrayList<>();
            for (long x : arr) {
                l.add(x);
            }
            write(b, l, indent, level);
        } else if (v instanceof int[] arr) {
            List<Object> l = new ArrayList<>();
            for (int x : arr) {
                l.add(x);
            }
            write(b, l, indent, level);
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getSimpleName() + " as JSON");
        }
    }

    private static void newline(StringBuilder b, int indent, int level) {
        if (indent >= 0) {
            b.append('\n');
            b.append(" ".repeat(indent * level));
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) && !validSurrogateAt(s, i)) {
                        b.append(String.format("\\u%04x", (int) (c < 0x20 ? c : 0xFFFD)));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
