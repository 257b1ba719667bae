package seqlab.cli;

import picocli.CommandLine.Model.CommandSpec;

import seqlab.tensor.CellType;

/** Small helpers shared by the commands' option handling. */
final class Options {

    private Options() {}

    static int threads(Integer requested) {
        if (requested == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        if (requested < 1) {
            throw new UserException("--threads must be >= 1, got " + requested);
        }
        return requested;
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
            default -> throw new UserException(flag + " must be rnn, rnn_relu, lstm or gru" + (flag.equals("--arch") ? " (or seq2seq)" : "")
                    + ", got " + arch);
        };
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
