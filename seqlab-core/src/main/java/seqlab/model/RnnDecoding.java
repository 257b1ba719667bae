package seqlab.model;

import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * Generation from a {@link RnnLanguageModel}: each prompt read in one pass (rows one by one, so
 * unequal prompts need no padding), then each new token fed back one step at a time, carrying the
 * recurrent state (L, n, H) of every row (no recomputation).
 */
final class RnnDecoding implements LanguageModel.Generation {

    private final RnnLanguageModel model;
    private final int rows;
    private Tensor h;          // (L, n, H)
    private Tensor c;          // (L, n, H) or null
    private float[] logits;    // (n, V)

    private RnnDecoding(RnnLanguageModel model, int rows, Tensor h, Tensor c, float[] logits) {
        this.model = model;
        this.rows = rows;
        this.h = h;
        this.c = c;
        this.logits = logits;
    }

    static RnnDecoding start(RnnLanguageModel model, int[][] prompts, Rng rng) {
        if (prompts.length == 0) {
            throw new IllegalArgumentException("no prompts to generate from");
        }
        int v = model.config().vocabSize();
        return model.inference(() -> {
            int n = prompts.length;
            float[] logits = new float[n * v];
            Tensor[] hs = new Tensor[n];
            Tensor[] cs = new Tensor[n];
            for (int r = 0; r < n; r++) {
                int[] p = prompts[r];
                if (p.length == 0) {
                    throw new IllegalArgumentException("the prompt is empty; give at least one token to start from");
                }
                RnnLanguageModel.Output o = model.forward(p, 1, p.length, null, null, rng);
                System.arraycopy(o.logits().data(), (p.length - 1) * v, logits, r * v, v);
                hs[r] = o.h();
                cs[r] = o.c();
            }
            return new RnnDecoding(model, n, join(hs), cs[0] == null ? null : join(cs), logits);
        });
    }

    /** Rows' states (L, 1, H) side by side: (L, n, H). */
    private static Tensor join(Tensor[] parts) {
        int layers = parts[0].dim(0);
        int hidden = parts[0].dim(2);
        int n = parts.length;
        float[] out = new float[layers * n * hidden];
        for (int r = 0; r < n; r++) {
            for (int l = 0; l < layers; l++) {
                System.arraycopy(parts[r].data(), l * hidden, out, (l * n + r) * hidden, hidden);
            }
        }
        return Tensor.of(out, layers, n, hidden);
    }

    /** The given rows of a state (L, n, H). */
    private static Tensor pick(Tensor s, int[] picked) {
        if (s == null) {
            return null;
        }
        int layers = s.dim(0);
        int n = s.dim(1);
        int hidden = s.dim(2);
        float[] out = new float[layers * picked.length * hidden];
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < picked.length; i++) {
                System.arraycopy(s.data(), (l * n + picked[i]) * hidden, out, (l * picked.length + i) * hidden, hidden);
            }
        }
        return Tensor.of(out, layers, picked.length, hidden);
    }

    @Override
    public float[] logits() {
        return logits;
    }

    @Override
    public int size() {
        return rows;
    }

    @Override
    public void step(int[] tokens, Rng rng) {
        if (tokens.length != rows) {
            throw new IllegalArgumentException("one token per row: " + rows + " expected, got " + tokens.length);
        }
        model.inference(() -> {
            RnnLanguageModel.Output o = model.forward(tokens, rows, 1, h, c, rng);
            logits = o.logits().data();
            h = o.h();
            c = o.c();
            return null;
        });
    }

    @Override
    public LanguageModel.Generation rows(int[] picked) {
        int v = model.config().vocabSize();
        float[] lg = new float[picked.length * v];
        for (int i = 0; i < picked.length; i++) {
            System.arraycopy(logits, picked[i] * v, lg, i * v, v);
        }
        return new RnnDecoding(model, picked.length, pick(h, picked), pick(c, picked), lg);
    }
}
