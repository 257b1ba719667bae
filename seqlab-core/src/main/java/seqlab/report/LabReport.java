package seqlab.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import seqlab.io.AtomicFiles;
import seqlab.io.IoErrors;
import seqlab.lab.Figure;
import seqlab.lab.Finding;
import seqlab.lab.LabResult;
import seqlab.lab.Series;

/**
 * Writes an experiment's result into a directory: each figure as SVG, the findings (claim,
 * setup, measured result, verdict) as {@code results.csv} and {@code results.md} (which also
 * shows the figures and the data), and the numbers behind them as {@code data.csv}.
 */
public final class LabReport {

    private LabReport() {}

    /** Creates the output directory, or says why it cannot be used: before an experiment runs, not after. */
    public static void prepare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + IoErrors.describe(e), e);
        }
        if (!Files.isWritable(dir)) {
            String m = dir + " is not writable; choose another --out";
            throw new UncheckedIOException(m, new IOException(m));
        }
    }

    /** @return the files written */
    public static List<Path> write(LabResult r, Path dir) {
        prepare(dir);
        List<Path> written = new ArrayList<>();
        for (Figure f : r.figures()) {
            Path p = dir.resolve(f.file() + ".svg");
            switch (f) {
                case Figure.Lines l -> {
                    LinePlot plot = new LinePlot(l.title(), l.xLabel(), l.yLabel(), l.logX(), l.logY()).limitY(l.yMax());
                    for (Series s : l.series()) {
                        plot.add(new LinePlot.Series(s.name(), s.x(), s.y()));
                    }
                    plot.write(p);
                }
                case Figure.Heat h -> HeatMap.attention(h.title(), h.sources(), h.targets(), h.weights()).write(p);
            }
            written.add(p);
        }
        Table findings = new Table("claim", "setup", "measured", "verdict");
        for (Finding f : r.findings()) {
            findings.row(f.claim(), f.setup(), f.result(), f.verdict());
        }
        AtomicFiles.writeString(dir.resolve("results.csv"), findings.toCsv());
        written.add(dir.resolve("results.csv"));
        Table data = new Table(r.columns().toArray(new String[0]));
        for (List<Object> row : r.rows()) {
            data.row(row.toArray());
        }
        AtomicFiles.writeString(dir.resolve("data.csv"), data.toCsv());
        written.add(dir.resolve("data.csv"));
        StringBuilder md = new StringBuilder();
        md.append("# ").append(r.title()).append("\n\n");
        md.append(findings.toMarkdown()).append('\n');
        for (Figure f : r.figures()) {
            md.append("![").append(f.file()).append("](").append(f.file()).append(".svg)\n\n");
        }
        md.append("## Data\n\n").append(data.toMarkdown());
        AtomicFiles.writeString(dir.resolve("results.md"), md.toString());
        written.add(dir.resolve("results.md"));
        return written;
    }
}
