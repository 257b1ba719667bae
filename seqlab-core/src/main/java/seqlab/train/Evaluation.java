package seqlab.train;

import seqlab.data.LmBatch;
import seqlab.data.LmDataset;
import seqlab.model.LanguageModel;
import seqlab.model.RnnLanguageModel;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/** Validation losses of a language model. */
public final class Evaluation {

    /** Total negative log-likelihood (nats) over a number of predicted tokens. */
    public record Nll(double nats, long tokens) {
        public double mean() {
            return nats / tokens;
        }

        public double perplexity() {
            return Math.exp(mean());
        }

        /** Bits per token. */
        public double bits() {
            return mean() / Math.log(2);
        }
    }

    private Evaluation() {}

    /**
     * An estimate from {@code batches} random (B, T) windows drawn by a fixed seed, so every
     * evaluation of a run sees the same windows (nanoGPT's estimate_loss).
     */
    public static double estimate(RnnLanguageModel model, int[] split, int batch, int time, int batches, long seed) {
        return estimate(model, model::loss, split, batch, time, batches, seed);
    }

    /** The mean next-token loss of a (B, T) batch of ids and targets; {@code rng} for dropout. */
    @FunctionalInterface
    public interface WindowLoss {
        Tensor of(int[] ids, int[] targets, int batch, int time, Rng rng);
    }

    /** {@link #estimate(RnnLanguageModel, int[], int, int, int, long)} for any module and its next-token loss. */
    public static double estimate(Module model, WindowLoss loss, int[] split, int batch, int time, int batches, long seed) {
        return model.inference(() -> {
            Rng rng = new Rng(seed);
            double sum = 0;
            for (int i = 0; i < batches; i++) {
                LmBatch b = LmDataset.randomBatch(split, batch, Math.min(time, split.length - 1), rng);
                sum += loss.of(b.x(), b.y(), b.batch(), b.time(), rng).item();
            }
            return sum / batches;
        });
    }

    /**
     * The exact loss over a whole split: consecutive windows of T tokens (at most the model's
     * context), what the model carries from one window into the next carried (a recurrent state, as
     * the PyTorch example's evaluate(); a Transformer reads each window afresh).
     */
    public static Nll full(LanguageModel model, int[] split, int time) {
        if (split.length < 2) {
            throw new IllegalArgumentException("the split has " + split.length + " tokens; at least 2 are needed to evaluate");
        }
        int t = Math.min(time, model.contextLength());
        return model.module().inference(() -> {
            Rng rng = new Rng(0);
            LanguageModel.Reader reader = model.reader();
            double nats = 0;
            long count = 0;
            for (int w = 0; w * t < split.length - 1; w++) {
                LmBatch b = LmDataset.window(split, w, t);
                Tensor loss = seqlab.tensor.CrossEntropy.mean(reader.next(b.x(), rng), b.y(), -100);
                nats += (double) loss.item() * b.time();
                count += b.time();
            }
            return new Nll(nats, count);
        });
    }

    /**
     * The mean loss at each position t = 0 … T − 1 of consecutive T-token windows of a split, each
     * window read afresh (a recurrent model from a zero state): how much each model gains from the
     * t tokens before it in the window. At most {@code windows} windows, read {@code batch} at a time.
     */
    public static double[] lossByPosition(LanguageModel model, int[] split, int time, int windows, int batch) {
        int n = (int) Math.min(windows, (split.length - 1L) / time);
        if (n < 1) {
            throw new IllegalArgumentException("the split has " + split.length + " tokens, fewer than one window of " + (time + 1));
        }
        int v = model.vocabSize();
        double[] sum = new double[time];
        model.module().inference(() -> {
            Rng rng = new Rng(0);
            for (int w0 = 0; w0 < n; w0 += batch) {
                int b = Math.min(batch, n - w0);
                int[] x = new int[b * time];
                for (int r = 0; r < b; r++) {
                    System.arraycopy(split, (w0 + r) * time, x, r * time, time);
                }
                float[] logits = model.logits(x, b, time, rng).data();                  // (b, T, V)
                float[] logProbs = new float[logits.length];
                seqlab.kernel.Softmax.logSoftmax(b * time, v, logits, 0, logProbs, 0, false);
                for (int r = 0; r < b; r++) {
                    for (int t = 0; t < time; t++) {
                        sum[t] -= logProbs[(r * time + t) * v + split[(w0 + r) * time + t + 1]];   // −log p(next token)
                    }
                }
            }
            return null;
        });
        for (int t = 0; t < time; t++) {
            sum[t] /= n;
        }
        return sum;
    }
}
