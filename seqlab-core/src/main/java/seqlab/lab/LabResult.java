package seqlab.lab;

import java.util.List;

/**
 * What an experiment measured: its findings, the numbers behind them (a table of named columns)
 * and its figures.
 */
public record LabResult(String name, String title, List<Finding> findings, List<String> columns, List<List<Object>> rows,
                        List<Figure> figures) {

    public LabResult {
        for (List<Object> r : rows) {
            if (r.size() != columns.size()) {
                throw new IllegalArgumentException(name + ": a data row has " + r.size() + " cells for " + columns.size() + " columns");
            }
        }
    }
}
