package seqlab.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import seqlab.io.AtomicFiles;

/** A results table written as CSV (RFC 4180 quoting) and as a Markdown table. */
public final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        if (header.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.header = List.of(header);
    }

    public Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table " + header.size() + " columns");
        }
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(String.valueOf(c));
        }
        rows.add(r);
        return this;
    }

    public String toCsv() {
        StringBuilder b = new StringBuilder();
        csvLine(b, header);
        for (List<String> r : rows) {
            csvLine(b, r);
        }
        return b.toString();
    }

    private static void csvLine(StringBuilder b, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            String c = cells.get(i);
            if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
                b.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                b.append(c);
            }
        }
        b.append('\n');
    }

    public String toMarkdown() {
        StringBuilder b = new StringBuilder();
        mdLine(b, header);
        b.append('|');
        for (int i = 0; i < header.size(); i++) {
            b.append("---|");
        }
        b.append('\n');
        for (List<String> r : rows) {
            mdLine(b, r);
        }
        return b.toString();
    }

    private static void mdLine(StringBuilder b, List<String> cells) {
        b.append('|');
        for (String c : cells) {
            b.append(' ').append(c.replace("|", "\\|").replace("\n", " ")).append(" |");
        }
        b.append('\n');
    }

    /** Writes {@code base}.csv and {@code base}.md. */
    public void write(Path dir, String base) {
        AtomicFiles.writeString(dir.resolve(base + ".csv"), toCsv());
        AtomicFiles.writeString(dir.resolve(base + ".md"), toMarkdown());
    }
}
