package seqlab.cli;

import java.io.PrintWriter;
import java.util.Locale;

import picocli.CommandLine.Model.CommandSpec;

import seqlab.tensor.CellType;

/** Small helpers shared by the commands' option handling. */
final class Options {

    private Options() {}

    /** More worker threads than this many per core only add switching; more are capped, with a warning. */
    static final int MAX_THREADS_PER_CORE = 4;

    static int threads(Integer requested, PrintWriter err) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (requested == null) {
            return cores;
        }
        requireThreads(requested);
        int most = MAX_THREADS_PER_CORE * cores;
        if (requested > most) {
            err.printf(Locale.ROOT, "seqlab: warning: --threads %d is more than %d× this machine's %d core%s; using %d%n", requested,
                    MAX_THREADS_PER_CORE, cores, cores == 1 ? "" : "s", most);
            return most;
        }
        return requested;
    }

    static void requireThreads(int requested) {
        if (requested < 1) {
            throw new UserException("--threads must be >= 1, got " + requested);
        }
    }

    static CellType cell(String arch) {
        return cell("--arch", arch);
    }

    /** A recurrent cell named by a flag's value. */
    static CellType cell(String flag, String arch) {
        return switch (arch) {
            case "rnn", "rnn_tanh" -> CellType.RNN_TANH;
            case "rnn_relu" -> CellType.RNN_RELU;
            case "lstm" -> CellType.LSTM;
            case "gru" -> CellType.GRU;
            default -> throw new UserException(flag + " must be rnn, rnn_relu, lstm or gru" + (flag.equals("--arch") ? " (or gpt, seq2seq, transformer)" : "")
                    + ", got " + arch);
        };
    }

    /**
     * Refuses the first of {@code flags} the user gave: they have no effect here. {@code belongs}
     * says where they do, e.g. "seq2seq models (--arch seq2seq)".
     */
    static void onlyFor(CommandSpec spec, String belongs, String... flags) {
        for (String f : flags) {
            if (given(spec, f)) {
                throw new UserException(f + " applies to " + belongs + " only; drop it");
            }
        }
    }

    /** Whether the user typed the option (rather than getting its default). */
    static boolean given(CommandSpec spec, String name) {
        return spec.commandLine().getParseResult().hasMatchedOption(name);
    }

    /** A terminal shows the updating progress line; pipes and CI get a line per evaluation. */
    static boolean live() {
        return System.console() != null && System.console().isTerminal() && System.getenv("CI") == null;
    }
}
