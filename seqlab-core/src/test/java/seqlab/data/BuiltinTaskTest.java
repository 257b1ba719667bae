package seqlab.data;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuiltinTaskTest {

    @Test
    void everyTaskIsCorrectAndSeeded() {
        for (String task : BuiltinTask.NAMES) {
            List<Pair> pairs = BuiltinTask.generate(task, 500, 7);
            assertThat(pairs).hasSize(500).isEqualTo(BuiltinTask.generate(task, 500, 7));
            assertThat(pairs).isNotEqualTo(BuiltinTask.generate(task, 500, 8));
            for (Pair p : pairs) {
                String s = p.source();
                String t = p.target();
                switch (task) {
                    case "copy" -> assertThat(t).isEqualTo(s);
                    case "reverse" -> assertThat(t).isEqualTo(new StringBuilder(s).reverse().toString());
                    case "sort" -> {
                        char[] c = s.toCharArray();
                        Arrays.sort(c);
                        assertThat(t).isEqualTo(new String(c));
                    }
                    case "addition" -> {
                        String[] ab = s.split("\\+");
                        assertThat(Integer.parseInt(t)).isEqualTo(Integer.parseInt(ab[0]) + Integer.parseInt(ab[1]));
                    }
                    default -> {
                        LocalDate d = LocalDate.parse(t);                          // a valid ISO date
                        assertThat(d.getYear()).isBetween(1950, 2049);
                        assertThat(s).isNotBlank();
                    }
                }
            }
        }
    }

    @Test
    void datesUseManyFormatsThatAgreeWithTheTarget() {
        List<Pair> pairs = BuiltinTask.generate("dates", 2000, 1);
        assertThat(pairs.stream().map(Pair::source).map(s -> s.replaceAll("[0-9]", "9")).distinct().count()).isGreaterThan(12);
        for (Pair p : pairs) {
            LocalDate d = LocalDate.parse(p.target());
            String lower = p.source().toLowerCase();
            assertThat(lower).as(p.toString()).containsAnyOf(d.getMonth().name().toLowerCase().substring(0, 3),
                    String.format("%02d/", d.getMonthValue()), "." + d.getMonthValue() + ".");
            assertThat(p.source()).as(p.toString()).containsAnyOf(Integer.toString(d.getYear()),
                    String.format("%02d", d.getYear() % 100));
        }
    }

    @Test
    void rejectsUnknownTaskAndNegativeCount() {
        assertThatThrownBy(() -> BuiltinTask.generate("poems", 1, 1)).hasMessageContaining("unknown built-in task 'poems'");
        assertThatThrownBy(() -> BuiltinTask.generate("copy", -1, 1)).hasMessageContaining(">= 0");
    }
}
