package seqlab.model;

import java.util.Arrays;

import seqlab.kernel.AttentionMask;
import seqlab.nn.attention.KvCache;
import seqlab.tensor.Rng;
import seqlab.tensor.ShapeOps;
import seqlab.tensor.Tensor;

/**
 * Generation from a {@link Gpt} with a key/value cache per block: the prompts are read in one pass
 * (prefill), then each new token costs one position's work over the cached past.
 *
 * <p>Rows of unequal prompts are left-padded to a common width W: row r's first pads[r] columns
 * are padding, hidden from every query, and its tokens sit at positions 0, 1, … (the cumulative
 * count of real tokens − 1, as Hugging Face computes {@code position_ids}), so a row gives what it
 * would alone. The caches are sized once for the prompt and the tokens asked for, at most the
 * context window P. When the padded width reaches P, the oldest column is dropped and the last P
 * read afresh for each further token (nanoGPT's crop to {@code block_size}): every token then sees
 * exactly the P − 1 before it, at the cost of a full window's pass per token.
 */
final class GptDecoding implements LanguageModel.Generation {

    private final Gpt model;
    private final int rows;
    private final int window;          // P
    private final KvCache[] caches;
    private int[][] tokens;            // each row's padded columns: pads, then its tokens
    private int width;                 // W, the columns every row has
    private final int[] pads;
    private AttentionMask hidden;      // the pads among the cache's positions, or null
    private int hiddenFor = -1;        // the cache capacity the mask was made for
    private float[] logits;            // (n, V)
    private boolean spent;             // rows() handed the caches on

    private GptDecoding(Gpt model, KvCache[] caches, int[][] tokens, int width, int[] pads, float[] logits) {
        this.model = model;
        this.rows = tokens.length;
        this.window = model.config().nPositions();
        this.caches = caches;
        this.tokens = tokens;
        this.width = width;
        this.pads = pads;
        this.logits = logits;
    }

    static GptDecoding start(Gpt model, int[][] prompts, int newTokens, Rng rng) {
        GptConfig c = model.config();
        if (prompts.length == 0) {
            throw new IllegalArgumentException("no prompts to generate from");
        }
        if (newTokens < 0) {
            throw new IllegalArgumentException("number of new tokens must be >= 0, got " + newTokens);
        }
        int width = 0;
        for (int r = 0; r < prompts.length; r++) {
            if (prompts[r].length == 0) {
                throw new IllegalArgumentException("prompt " + (prompts.length == 1 ? "" : (r + 1) + " ") + "has no tokens; "
                        + "give at least one token to start from");
            }
            for (int id : prompts[r]) {
                if (id < 0 || id >= c.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " is outside the model's vocabulary [0, " + c.vocabSize() + ")");
                }
            }
            width = Math.max(width, prompts[r].length);
        }
        if (width > c.nPositions()) {
            throw new IllegalArgumentException("a prompt of " + width + " tokens is longer than the model's context window, n_positions "
                    + c.nPositions() + "; give at most " + c.nPositions() + " tokens");
        }
        int capacity = (int) Math.min(c.nPositions(), (long) width + newTokens);
        KvCache[] caches = new KvCache[c.nLayer()];
        for (int l = 0; l < caches.length; l++) {
            caches[l] = new KvCache(prompts.length, Math.max(1, capacity), c.nPositions(), c.nEmbd());
        }
        int[][] tokens = new int[prompts.length][];
        int[] pads = new int[prompts.length];
        for (int r = 0; r < prompts.length; r++) {
            pads[r] = width - prompts[r].length;
            tokens[r] = new int[Math.max(width, capacity)];
            System.arraycopy(prompts[r], 0, tokens[r], pads[r], prompts[r].length);
        }
        GptDecoding d = new GptDecoding(model, caches, tokens, width, pads, null);
        model.inference(() -> {
            d.prefill(rng);
            return null;
        });
        return d;
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
    public void step(int[] next, Rng rng) {
        requireLive();
        if (next.length != rows) {
            throw new IllegalArgumentException("one token per row: " + rows + " expected, got " + next.length);
        }
        model.inference(() -> {
            if (width == window) {
                crop(next);
                prefill(rng);
            } else {
                append(next);
            }
            return null;
        });
    }

    /** The new tokens through the cache, at position = each row's count of real tokens so far. */
    private void append(int[] next) {
        int[] pos = new int[rows];
        for (int r = 0; r < rows; r++) {
            if (tokens[r].length == width) {
                tokens[r] = Arrays.copyOf(tokens[r], Math.min(window, 2 * width));
            }
            tokens[r][width] = next[r];
            pos[r] = width - pads[r];
        }
        width++;
        for (KvCache c : caches) {
            c.reserve(c.length() + 1);
        }
        int[] filled = new int[rows];
        Arrays.fill(filled, caches[0].length() + 1);
        AttentionMask visible = AttentionMask.padding(filled);                                 // the past and the new position
        AttentionMask h = hiddenPads(caches[0].capacity());
        Tensor out = model.transformer().step(next, pos, caches, h == null ? visible : visible.and(h));   // (n, 1, E)
        logits = model.lmHead().forward(ShapeOps.reshape(out, rows, out.dim(2))).data();      // (n, V)
    }

    /** The mask of the pads among {@code capacity} cached positions (null without pads), made again only when the capacity changes. */
    private AttentionMask hiddenPads(int capacity) {
        if (hiddenFor != capacity) {
            boolean[] h = new boolean[rows * capacity];
            boolean any = false;
            for (int r = 0; r < rows; r++) {
                Arrays.fill(h, r * capacity, r * capacity + pads[r], true);
                any |= pads[r] > 0;
            }
            hidden = any ? AttentionMask.keyPadding(h, rows, capacity) : null;
            hiddenFor = capacity;
        }
        return hidden;
    }

    /** The window is full: drop each row's oldest column (a pad first), then add the new token. */
    private void crop(int[] next) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tokens[r], 1, tokens[r], 0, width - 1);
            tokens[r][width - 1] = next[r];
            pads[r] = Math.max(0, pads[r] - 1);
        }
        hiddenFor = -1;
        for (KvCache c : caches) {
            c.clear();
        }
    }

    /** Reads the W columns of every row into the empty caches; the logits of each row's last. */
    private void prefill(Rng rng) {
        int[] ids = new int[rows * width];
        int[] pos = new int[rows * width];
        boolean anyPad = false;
        boolean[] padded = new boolean[rows * width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tokens[r], 0, ids, r * width, width);
            for (int j = 0; j < width; j++) {
                pos[r * width + j] = Math.max(0, j - pads[r]);                                 // cumulative mask − 1
                padded[r * width + j] = j < pads[r];
            }
            anyPad |= pads[r] > 0;
        }
        AttentionMask mask = anyPad ? AttentionMask.causal().and(AttentionMask.keyPadding(padded, rows, width)) : AttentionMask.causal();
        Tensor h = model.transformer().forward(ids, rows, width, pos, mask, caches, rng);     // (n, W, E)
        int[] last = new int[rows];
        for (int r = 0; r < rows; r++) {
            last[r] = r * width + width - 1;
        }
        Tensor lastH = ShapeOps.rows(ShapeOps.reshape(h, rows * width, h.dim(2)), last);        // (n, E)
        logits = model.lmHead().forward(lastH).data();                                          // (n, V)
    }

    @Override
    public LanguageModel.Generation rows(int[] picked) {
        requireLive();
        spent = true;
        KvCache[] c = new KvCache[caches.length];
        for (int l = 0; l < c.length; l++) {
            c[l] = caches[l].rows(picked);
        }
        int[][] t = new int[picked.length][];
        int[] p = new int[picked.length];
        int v = model.config().vocabSize();
        float[] lg = new float[picked.length * v];
        for (int i = 0; i < picked.length; i++) {
            t[i] = tokens[picked[i]].clone();
            p[i] = pads[picked[i]];
            System.arraycopy(logits, picked[i] * v, lg, i * v, v);
        }
        return new GptDecoding(model, c, t, width, p, lg);
    }

    private void requireLive() {
        if (spent) {
            throw new IllegalStateException("this generation was reordered by rows(): use the generation rows() returned");
        }
    }
}
