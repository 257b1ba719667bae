package seqlab.lab;

import java.util.List;
import java.util.Locale;

/**
 * An experiment's data table as text, the way {@code data.csv} holds it: the numbers its findings
 * and figures are computed from, whether they were just measured or read back from an earlier run.
 *
 * @param where names the table in errors (its file)
 */
public record LabData(String where, List<String> columns, List<List<String>> rows) {

    public LabData {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).size() != columns.size()) {
                throw new IllegalArgumentException(where + " row " + (i + 1) + ": " + rows.get(i).size() + " cells for "
                        + columns.size() + " columns");
            }
        }
    }

    /** Measured rows, each cell as {@code String.valueOf} writes it. */
    static LabData of(List<String> columns, List<List<Object>> rows) {
        return new LabData("data", columns, rows.stream().map(r -> r.stream().map(String::valueOf).toList()).toList());
    }

    /** The name of a size in messages. */
    public static String size(boolean quick) {
        return quick ? "quick" : "full";
    }

    /** What to do about data of the other size. */
    static String otherSize(boolean quick) {
        return quick ? "drop --quick for a full run's data" : "add --quick for a quick run's data";
    }

    /** The rows as a {@link LabResult} carries them. */
    List<List<Object>> cells() {
        return rows.stream().map(r -> List.<Object>copyOf(r)).toList();
    }

    /** Checks that this is the table of an experiment with these columns. */
    LabData expect(String experiment, List<String> expected) {
        if (!columns.equals(expected)) {
            throw new IllegalArgumentException(where + " has columns " + columns + ", expected " + expected
                    + "; is it the data.csv of a '" + experiment + "' run?");
        }
        return this;
    }

    String text(int row, String column) {
        return rows.get(row).get(index(column));
    }

    boolean blank(int row, String column) {
        return text(row, column).isEmpty();
    }

    double number(int row, String column) {
        String s = text(row, column);
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s row %d, column %s: '%s' is not a number", where, row + 1,
                    column, s));
        }
    }

    private int index(String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalStateException("no column " + column + " in " + columns);
        }
        return i;
    }
}
