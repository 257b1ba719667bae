package seqlab.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import seqlab.train.RunLock;
import seqlab.train.TrainingDivergedException;

/**
 * The seqlab command line. A user-caused error prints one line, {@code seqlab: <what>; <how to
 * fix>}, and exits with 2; a bug in seqlab prints a stack trace and exits with 1.
 */
@Command(name = "seqlab", mixinStandardHelpOptions = true, version = "seqlab 0.1.0",
        description = "Train, run and measure sequence models (RNN, LSTM, GRU) in pure Java.",
        subcommands = {TrainCommand.class, GenerateCommand.class, TranslateCommand.class, LabCommand.class, EvalCommand.class, ForwardCommand.class,
                InfoCommand.class, BenchCommand.class, DemoCommand.class, TokenizeCommand.class, TokenizerCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static final int USER_ERROR = 2;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "no command given; try 'seqlab demo' or 'seqlab --help'");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI with the given streams; returns the exit code (for tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main());
        PrintWriter errWriter = new PrintWriter(err, true);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(errWriter);
        cl.setParameterExceptionHandler((ex, a) -> {
            String cmd = ex.getCommandLine().getCommandName();
            String help = cmd.equals("seqlab") ? "seqlab --help" : "seqlab " + cmd + " --help";
            errWriter.println("seqlab: " + oneLine(repeated(ex.getMessage())) + "; see '" + help + "'");
            return USER_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (isUserError(ex)) {
                errWriter.println("seqlab: " + oneLine(ex.getMessage()));
                return USER_ERROR;
            }
            ex.printStackTrace(err);
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // sizes the up-front checks let through (they estimate); the stack unwound, so the heap is free again
            errWriter.printf(java.util.Locale.ROOT, "seqlab: out of memory: the Java heap's limit is %.1f GB; use smaller sizes (--hidden, "
                    + "--layers, --batch, --seq) or a larger heap (SEQLAB_JAVA_OPTS=-Xmx%dg)%n", Runtime.getRuntime().maxMemory() / (double) (1L << 30),
                    Math.max(2, 2 * Math.round(Runtime.getRuntime().maxMemory() / (double) (1L << 30))));
            return USER_ERROR;
        }
    }

    /** Errors caused by input (files, flags, data) rather than by a bug in seqlab. */
    static boolean isUserError(Throwable t) {
        return t instanceof IllegalArgumentException || t instanceof UncheckedIOException
                || t instanceof TrainingDivergedException || t instanceof UserException || t instanceof RunLock.BusyException;
    }

    /** picocli's words for an option of a group given twice, said as a user would. */
    static String repeated(String message) {
        if (message == null || !message.startsWith("Error: expected only one match but got")) {
            return message;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("=\\{(--[a-z-]+)").matcher(message.substring(message.lastIndexOf(" and ")));
        return (m.find() ? "option '" + m.group(1) + "'" : "an option") + " should be specified only once";
    }

    static String oneLine(String s) {
        return s == null ? "error" : s.replaceAll("\\s*\\R\\s*", "; ").strip();
    }
}
