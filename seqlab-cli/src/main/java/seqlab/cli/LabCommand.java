package seqlab.cli;

import java.io.PrintWriter;
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
import seqlab.lab.Lab;
import seqlab.lab.LabResult;
import seqlab.report.LabReport;

@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Run an experiment that measures a classic claim about sequence models; writes its figures (SVG), "
                + "results.md / results.csv (claim, setup, measured, verdict) and data.csv. 'seqlab lab --list' names them.")
final class LabCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "the experiment")
    String name;

    @Option(names = "--list", description = "list the experiments")
    boolean list;

    @Option(names = "--quick", description = "the small size (a few minutes on 2 cores) instead of the full one")
    boolean quick;

    @Option(names = "--out", description = "output directory (default: runs/lab/NAME, or runs/lab/NAME-quick)")
    Path out;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (list || name == null) {
            if (!list) {
                throw new UserException("name an experiment: one of " + Lab.all().stream().map(Experiment::name).toList()
                        + " (see 'seqlab lab --list')");
            }
            for (Experiment e : Lab.all()) {
                o.printf(Locale.ROOT, "%-20s %s%n", e.name(), e.description());
            }
            return 0;
        }
        threads.apply();
        Experiment e = Lab.named(name);
        Path dir = out != null ? out : Path.of("runs", "lab", name + (quick ? "-quick" : ""));
        LabReport.prepare(dir);
        err.printf(Locale.ROOT, "seqlab lab %s (%s size): %s%n", name, quick ? "quick" : "full", e.description());
        long t0 = System.nanoTime();
        LabResult r = e.run(quick, line -> {
            synchronized (err) {                                          // runs report from several threads
                err.println("  " + line);
                err.flush();
            }
        });
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
}
