package seqlab.io;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\\n\\u00e9\\\"\"], \"b\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        List<?> a = (List<?>) m.get("a");
        assertThat(a.get(0)).isEqualTo(new Json.Num("1"));
        assertThat(((Json.Num) a.get(1)).doubleValue()).isEqualTo(-2500.0);
        assertThat(List.<Object>copyOf(a.subList(2, 5))).containsExactly(true, false, Json.NULL);
        assertThat(a.get(5)).isEqualTo("x\né\"");
        assertThat((Map<?, ?>) m.get("b")).isEmpty();
    }

    @Test
    void integersAreExactBeyondDoublePrecision() {
        Json.Num n = (Json.Num) Json.parse("9007199254740993");
        assertThat(n.longValueExact()).isEqualTo(9007199254740993L);
        assertThatThrownBy(() -> ((Json.Num) Json.parse("1.0")).longValueExact()).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> ((Json.Num) Json.parse("99999999999999999999")).longValueExact()).isInstanceOf(NumberFormatException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{|unexpected end",
            "{\"a\":1,\"a\":2}|duplicate key \"a\"",
            "[1,]|unexpected character ']'",
            "01|unexpected text after",
            "{\"a\" 1}|expected ':'",
            "\"abc|unterminated string",
            "tru|expected 'true'",
            "[1] x|unexpected text after",
            "-|truncated number",
            "1.|expected a digit after '.'",
            "\"\\x\"|unknown escape",
            "{1:2}|expected a string key"})
    void rejectsMalformedInputWithPosition(String text, String message) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(FormatException.class)
                .hasMessageContaining("line 1, column").hasMessageContaining(message);
    }

    @Test
    void limitsNestingDepth() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertThatThrownBy(() -> Json.parse(deep)).hasMessageContaining("nesting deeper");
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(ok)).isInstanceOf(List.class);
    }

    @Test
    void writesAndReadsBack() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("s", "tab\tquote\"back\\slash\u0001");
        m.put("n", 3);
        m.put("f", 0.25);
        m.put("l", List.of(1L, "x", false));
        m.put("o", Map.of("k", List.of()));
        for (String text : List.of(Json.write(m), Json.writePretty(m))) {
            Map<?, ?> back = (Map<?, ?>) Json.parse(text);
            assertThat(back.get("s")).isEqualTo(m.get("s"));
            assertThat(back.get("n")).isEqualTo(new Json.Num("3"));
            assertThat(back.get("f")).isEqualTo(new Json.Num("0.25"));
        }
        assertThat(Json.write(Map.of("a", new long[] {1, 2}))).isEqualTo("{\"a\":[1,2]}");
    }
}
