package seqlab.io;

import java.util.List;
import java.util.Map;

/**
 * Typed access to the fields of a JSON object read from a file, with one-line errors that name
 * the file and the field: "config.json: field "hidden_size" must be an integer > 0, got 0".
 */
public final class JsonFields {

    private final Map<String, Object> map;
    private final String where;

    public JsonFields(Object json, String where) {
        if (!(json instanceof Map<?, ?>)) {
            throw new FormatException(where + ": expected a JSON object at the top level");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) json;
        this.map = m;
        this.where = where;
    }

    public Map<String, Object> map() {
        return map;
    }

    public String where() {
        return where;
    }

    public boolean has(String key) {
        return map.containsKey(key) && map.get(key) != Json.NULL;
    }

    private Object require(String key, String expected) {
        if (!map.containsKey(key)) {
            throw new FormatException(where + ": missing field \"" + key + "\" (" + expected + ")");
        }
        return map.get(key);
    }

    private FormatException wrong(String key, String expected, Object got) {
        return new FormatException(where + ": field \"" + key + "\" must be " + expected + ", got "
                + (got instanceof String ? "\"" + got + "\"" : String.valueOf(got)));
    }

    public String string(String key) {
        Object v = require(key, "a string");
        if (!(v instanceof String s)) {
            throw wrong(key, "a string", v);
        }
        return s;
    }

    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    public long integer(String key, long min, long max) {
        String expected = "an integer in [" + min + ", " + max + "]";
        Object v = require(key, expected);
        if (!(v instanceof Json.Num n) || !n.isInteger()) {
            throw wrong(key, expected, v);
        }
        long x;
        try {
            x = n.longValueExact();
        } catch (NumberFormatException e) {
            throw wrong(key, expected, v);
        }
        if (x < min || x > max) {
            throw wrong(key, expected, v);
        }
        return x;
    }

    public int integer(String key, int min) {
        return (int) integer(key, min, Integer.MAX_VALUE);
    }

    public double number(String key, double min, double max) {
        String expected = "a number in [" + min + ", " + max + "]";
        Object v = require(key, expected);
        if (!(v instanceof Json.Num n)) {
            throw wrong(key, expected, v);
        }
        double x = n.doubleValue();
        if (!(x >= min && x <= max)) {
            throw wrong(key, expected, v);
        }
        return x;
    }

    public double number(String key, double min, double max, double fallback) {
        return has(key) ? number(key, min, max) : fallback;
    }

    public boolean bool(String key) {
        Object v = require(key, "true or false");
        if (!(v instanceof Boolean b)) {
            throw wrong(key, "true or false", v);
        }
        return b;
    }

    public boolean bool(String key, boolean fallback) {
        return has(key) ? bool(key) : fallback;
    }

    public List<Object> list(String key) {
        Object v = require(key, "an array");
        if (!(v instanceof List<?> l)) {
            throw wrong(key, "an array", v);
        }
        @SuppressWarnings("unchecked")
        List<Object> out = (List<Object>) l;
        return out;
    }

    public JsonFields object(String key) {
        Object v = require(key, "an object");
        if (!(v instanceof Map<?, ?>)) {
            throw wrong(key, "an object", v);
        }
        return new JsonFields(v, where + " → " + key);
    }
}
