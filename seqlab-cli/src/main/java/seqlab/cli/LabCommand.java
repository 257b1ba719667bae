package seqlab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import seqlab.lab.Experiment;
import seqlab.lab.Finding;
import seqlab.lab.LabData;
import seqlab.lab.Lab;
import seqlab.lab.LabResult;
import seqlab.report.LabReport;
import seqlab.report.Table;

@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Run an experiment that measures a classic claim about sequence models; writes its figures (SVG), "
                + "results.md / results.csv (claim, setup, measured, verdict) and data.csv. 'seqlab lab --list' names them.")
final class LabCommand implements Callable<Integer> {

    /** The width of the name column of --list: the longest experiment name. */
    private static final int NAME_WIDTH = Lab.all().stream().mapToInt(e -> e.name().length()).max().orElse(1);

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "the experiment")
    String name;

    @Option(names = "--list", description = "list the experiments")
    boolean list;

    @Option(names = "--quick", description = "the small size (seconds on 2 cores) instead of the full one (minutes to hours)")
    boolean quick;

    @Option(names = "--out", description = "output directory (default: runs/lab/NAME, or runs/lab/NAME-quick; with --from, DIR)")
    Path out;

    @Option(names = "--from", paramLabel = "DIR", description = "measure nothing: compute the findings and figures again from the "
            + "data.csv an earlier run of this size wrote in DIR (long-memory, teacher-forcing)")
    Path from;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        threads.validate();
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (list) {
            if (name != null) {
                throw new UserException("--list lists every experiment; drop it to run " + name);
            }
            Options.onlyFor(spec, "running an experiment (not --list)", "--quick", "--out", "--from", "--threads");
        }
        if (from != null) {
            Options.onlyFor(spec, "an experiment that measures (without --from)", "--threads");
        }
        if (list || name == null) {
            if (!list) {
                throw new UserException("name an experiment: one of " + Lab.all().stream().map(Experiment::name).toList()
                        + " (see 'seqlab lab --list')");
            }
            for (Experiment e : Lab.all()) {
                o.printf(Locale.ROOT, "%-" + NAME_WIDTH + "s %s%n", e.name(), e.description());
            }
            return 0;
        }
        Experiment e = Lab.named(name);
        Path dir = out != null ? out : from != null ? from : Path.of("runs", "lab", name + (quick ? "-quick" : ""));
        RunDirectory.check(out != null ? "--out" : from != null ? "--from" : "the lab's directory", dir);
        String size = LabData.size(quick);
        long t0 = System.nanoTime();
        LabResult r;
        if (from != null) {
            LabData data = readData(from.resolve("data.csv"));
            r = e.fromData(quick, data).orElseThrow(() -> new UserException("lab " + name + " cannot be computed again from its data.csv: "
                    + "its findings need more than the table holds; run it without --from (experiments that can: long-memory, teacher-forcing)"));
            err.printf(Locale.ROOT, "seqlab lab %s (%s size): findings and figures from %s, nothing measured%n", name, size,
                    from.resolve("data.csv"));
        } else {
            LabReport.prepare(dir);                                       // before hours of measuring, not after
            threads.apply(err);
            err.printf(Locale.ROOT, "seqlab lab %s (%s size): %s%n", name, size, e.description());
            r = e.run(quick, line -> {
                synchronized (err) {                                      // runs report from several threads
                    err.println("  " + line);
                    err.flush();
                }
            });
        }
        List<Path> files = LabReport.write(r, dir);
        o.printf(Locale.ROOT, "%s (%.0f s)%n", r.title(), (System.nanoTime() - t0) / 1e9);
        for (Finding f : r.findings()) {
            o.println();
            o.println("  claim:    " + f.claim());
            o.println("  measured: " + f.result());
            o.println("  verdict:  " + f.verdict());
        }
        o.println();
        o.println("  written: " + String.join(", ", files.stream().map(p -> p.getFileName().toString()).toList()) + " in " + dir);
        return 0;
    }

    private static LabData readData(Path csv) {
        String text;
        if (Files.exists(csv)) {
            seqlab.io.InputFiles.requireRegular(csv, "the data.csv of an earlier 'seqlab lab' run");
        }
        try {
            text = Files.readString(csv);
        } catch (NoSuchFileException ex) {
            throw new UserException("no data.csv in " + csv.getParent() + "; --from takes the directory an earlier 'seqlab lab' run wrote");
        } catch (CharacterCodingException ex) {
            throw new UserException(csv + " is not UTF-8 text; --from takes the directory an earlier 'seqlab lab' run wrote");
        } catch (IOException ex) {
            throw new UserException("cannot read " + csv + ": " + seqlab.io.IoErrors.describe(ex));
        }
        Table t = Table.parseCsv(text, csv.toString());
        return new LabData(csv.toString(), t.header(), t.rows());
    }
}
