package seqlab.report;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableTest {

    @TempDir
    Path dir;

    @Test
    void csvQuotesAndMarkdownEscapes() throws Exception {
        Table t = new Table("claim", "measured", "verdict").row("LSTM beats RNN", 1.473, "holds")
                .row("a, b \"quoted\"", "x|y", "n/a");
        assertThat(t.toCsv()).isEqualTo("claim,measured,verdict\nLSTM beats RNN,1.473,holds\n\"a, b \"\"quoted\"\"\",x|y,n/a\n");
        assertThat(t.toMarkdown()).isEqualTo("| claim | measured | verdict |\n|---|---|---|\n| LSTM beats RNN | 1.473 | holds |\n"
                + "| a, b \"quoted\" | x\\|y | n/a |\n");
        t.write(dir, "results");
        assertThat(Files.readString(dir.resolve("results.csv"))).isEqualTo(t.toCsv());
        assertThat(Files.readString(dir.resolve("results.md"))).isEqualTo(t.toMarkdown());
        assertThatThrownBy(() -> t.row("only one")).hasMessageContaining("1 cells, the table 3 columns");
    }
}
