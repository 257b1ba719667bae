package seqlab.train;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import seqlab.io.IoErrors;

/**
 * The CSV training log, {@code <out>/log.csv}: step, lr, train_loss, val_loss (empty between
 * evaluations), tokens_per_s, elapsed_s. A resumed run keeps the rows up to its checkpoint.
 */
final class TrainLog implements Closeable {

    static final String FILE = "log.csv";
    static final String HEADER = "step,lr,train_loss,val_loss,tokens_per_s,elapsed_s";

    private final BufferedWriter w;
    private long lastFlush = System.nanoTime();

    private TrainLog(BufferedWriter w) {
        this.w = w;
    }

    static TrainLog open(Path out, long fromStep) {
        Path p = out.resolve(FILE);
        try {
            Files.createDirectories(out);
            List<String> keep = new ArrayList<>();
            keep.add(HEADER);
            if (fromStep > 0 && Files.exists(p)) {
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    int comma = line.indexOf(',');
                    if (comma > 0 && !line.startsWith("step")) {
                        try {
                            if (Long.parseLong(line.substring(0, comma)) <= fromStep) {
                                keep.add(line);
                            }
                        } catch (NumberFormatException ignored) {
                            // not a data row
                        }
                    }
                }
            }
            Files.write(p, keep, StandardCharsets.UTF_8);
            return new TrainLog(Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p + ": " + IoErrors.describe(e), e);
        }
    }

    void row(long step, float lr, double trainLoss, double valLoss, double tokensPerSecond, double elapsed) {
        try {
            w.write(String.format(Locale.ROOT, "%d,%.6g,%.6f,%s,%.1f,%.2f%n", step, lr, trainLoss,
                    Double.isNaN(valLoss) ? "" : String.format(Locale.ROOT, "%.6f", valLoss), tokensPerSecond, elapsed));
            if (System.nanoTime() - lastFlush > 5_000_000_000L) {          // so that tail -f shows progress
                flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void flush() {
        try {
            w.flush();
            lastFlush = System.nanoTime();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            w.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
