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

    @Test
    void csvReadsBackWhatItWrote() {
        Table t = new Table("task", "note", "value").row("copy", "", 0.4637).row("a, b \"quoted\"", "two\nlines", -1)
                .row("", "", "").row("crlf\r\nin a cell", "x|y", 25);
        Table back = Table.parseCsv(t.toCsv(), "data.csv");
        assertThat(back.header()).containsExactly("task", "note", "value");
        assertThat(back.rows()).isEqualTo(t.rows());
        assertThat(back.toCsv()).isEqualTo(t.toCsv());
        assertThat(Table.parseCsv(t.toCsv().replace("\n", "\r\n"), "data.csv").rows()).as("CRLF line ends")
                .hasSize(4);
        assertThat(Table.parseCsv("a,b\n1,2", "d").rows()).as("no final newline").containsExactly(java.util.List.of("1", "2"));
        assertThat(Table.parseCsv("a,b\n\n1,2\n\n", "d").rows()).as("blank lines skipped").hasSize(1);
        Table one = new Table("x").row("").row("y");
        assertThat(Table.parseCsv(one.toCsv(), "d").rows()).as("one column: an empty cell is a blank line").isEqualTo(one.rows());
        assertThat(Table.parseCsv("a,b\n", "d").rows()).isEmpty();
    }

    @Test
    void malformedCsvSaysWhereAndWhat() {
        assertThatThrownBy(() -> Table.parseCsv("", "runs/x/data.csv")).hasMessage("runs/x/data.csv is empty; expected a header line of column names");
        assertThatThrownBy(() -> Table.parseCsv("a,b\n1,2\n1,2,3\n", "data.csv"))
                .hasMessage("data.csv line 3: 3 cells, expected 2 (one per column of the header)");
        assertThatThrownBy(() -> Table.parseCsv("a,b\n\"x\ny,2\n", "data.csv"))
                .hasMessage("data.csv line 2: a quoted cell is never closed; expected a closing '\"'");
        assertThatThrownBy(() -> Table.parseCsv("a,b\n\"two\nlines\",2\n5\n", "data.csv")).as("line numbers count line breaks in cells")
                .hasMessageStartingWith("data.csv line 4: 1 cells");
    }
}
