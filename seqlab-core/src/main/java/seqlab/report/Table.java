package seqlab.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import seqlab.io.AtomicFiles;

/** A results table written as CSV (RFC 4180 quoting) and as a Markdown table, and read back from CSV. */
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

    public List<String> header() {
        return header;
    }

    /** The rows as written, each with one cell per column. */
    public List<List<String>> rows() {
        return rows.stream().map(List::copyOf).toList();
    }

    /**
     * Reads a table that {@link #toCsv()} wrote: the first record is the header; quoted cells may
     * hold commas, doubled quotes and line breaks.
     *
     * @param where names the text in errors (a file name)
     * @throws IllegalArgumentException for an unterminated quote or a record whose cell count is not the header's
     */
    public static Table parseCsv(String text, String where) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        boolean quoted = false;
        boolean any = false;                                              // the record has started
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    line += c == '\n' ? 1 : 0;
                    cell.append(c);
                }
            } else if (c == '"' && cell.isEmpty()) {
                quoted = true;
                any = true;
            } else if (c == ',') {
                record.add(cell.toString());
                cell.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                boolean oneColumn = !records.isEmpty() && records.getFirst().size() == 1;
                if (any || !cell.isEmpty() || oneColumn) {                // a blank line is an empty cell only in a one-column table
                    record.add(cell.toString());
                    records.add(checked(record, records, where, recordLine));
                }
                record = new ArrayList<>();
                cell.setLength(0);
                any = false;
                recordLine = ++line;
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(where + " line " + recordLine + ": a quoted cell is never closed; expected a closing '\"'");
        }
        if (any || !cell.isEmpty()) {
            record.add(cell.toString());
            records.add(checked(record, records, where, recordLine));
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException(where + " is empty; expected a header line of column names");
        }
        Table t = new Table(records.getFirst().toArray(new String[0]));
        for (List<String> r : records.subList(1, records.size())) {
            t.rows.add(r);
        }
        return t;
    }

    private static List<String> checked(List<String> record, List<List<String>> before, String where, int line) {
        if (!before.isEmpty() && record.size() != before.getFirst().size()) {
            throw new IllegalArgumentException(where + " line " + line + ": " + record.size() + " cells, expected "
                    + before.getFirst().size() + " (one per column of the header)");
        }
        return record;
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
