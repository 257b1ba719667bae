package seqlab.data;

import java.util.Arrays;

import seqlab.tensor.Rng;

/**
 * A tokenised text split for language modelling as nanoGPT splits it: the first 90% of the tokens
 * for training, the last 10% for validation. Batches are random windows: for each row a start s is
 * drawn uniformly, x = tokens[s, s+T), y = tokens[s+1, s+T+1).
 */
public final class LmDataset {

    public static final double TRAIN_FRACTION = 0.9;

    private final int[] train;
    private final int[] val;

    public LmDataset(int[] train, int[] val) {
        this.train = train;
        this.val = val;
    }

    public static LmDataset split(int[] tokens) {
        int n = (int) (tokens.length * TRAIN_FRACTION);
        return new LmDataset(Arrays.copyOfRange(tokens, 0, n), Arrays.copyOfRange(tokens, n, tokens.length));
    }

    public int[] train() {
        return train;
    }

    public int[] val() {
        return val;
    }

    /** Checks that both splits hold at least one window of T + 1 tokens. */
    public void requireWindow(int time, String source) {
        for (int[] s : new int[][] {train, val}) {
            if (s.length < time + 1) {
                throw new IllegalArgumentException(source + ": the " + (s == train ? "training" : "validation") + " split has "
                        + s.length + " tokens, fewer than --seq + 1 = " + (time + 1) + "; use a shorter --seq or a larger text");
            }
        }
    }

    /** B random windows of length T from {@code split}, starts drawn from {@code rng} in row order. */
    public static LmBatch randomBatch(int[] split, int batch, int time, Rng rng) {
        int starts = split.length - time;
        if (starts < 1) {
            throw new IllegalArgumentException("split of " + split.length + " tokens is too short for windows of " + (time + 1));
        }
        int[] x = new int[batch * time];
        int[] y = new int[batch * time];
        for (int b = 0; b < batch; b++) {
            int s = rng.nextInt(starts);
            System.arraycopy(split, s, x, b * time, time);
            System.arraycopy(split, s + 1, y, b * time, time);
        }
        return new LmBatch(x, y, batch, time);
    }

    /** Consecutive non-overlapping windows covering the split (for a full evaluation pass). */
    public static LmBatch window(int[] split, int index, int time) {
        int s = index * time;
        int t = Math.min(time, split.length - 1 - s);
        if (t <= 0) {
            throw new IllegalArgumentException("window " + index + " is past the end of the split");
        }
        return new LmBatch(Arrays.copyOfRange(split, s, s + t), Arrays.copyOfRange(split, s + 1, s + 1 + t), 1, t);
    }
}
