package seqlab.cli;

import java.io.PrintWriter;

import picocli.CommandLine.Option;

import seqlab.kernel.Parallel;

/** The {@code --threads} option shared by the commands that compute (a picocli mixin). */
final class ThreadsOption {

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;

    /** Refuses a count below 1 before any work (the pool is sized later, once the command cannot be refused). */
    void validate() {
        if (threads != null) {
            Options.requireThreads(threads);
        }
    }

    /** Sizes the thread pool as asked (all cores by default; at most a few threads per core, with a warning on {@code err}). */
    void apply(PrintWriter err) {
        Parallel.setThreads(Options.threads(threads, err));
    }
}
