package seqlab.tensor;

import java.util.Arrays;

import seqlab.kernel.AttentionMask;
import seqlab.kernel.FusedAttention;
import seqlab.kernel.FusedAttention.Dims;
import seqlab.kernel.FusedAttention.Dropout;
import seqlab.kernel.FusedAttention.Operand;

/**
 * Attention(Q, K, V) = softmax(Q·Kᵀ/√d_k + mask)·V for each of H heads (Vaswani et al., eq. 1), as
 * one differentiable op over {@link FusedAttention}. Queries (B, T, H·d_k), keys and values
 * (B, S, H·d_k), each a block of columns of a larger tensor (a fused projection's output is read
 * in place); output (B, T, H·d_k), head h in columns [h·d_k, (h+1)·d_k).
 *
 * <p>The fused kernel keeps memory O(T·d_k); asking for the weights (B, H, T, S) runs the
 * materialising loops instead, and a gradient on the returned weights flows back too.
 */
public final class ScaledDotProductAttention {

    private ScaledDotProductAttention() {}

    /** The output and, when asked for, each head's weights (after dropout, as PyTorch returns them); else null. */
    public record Result(Tensor output, Tensor weights) {}

    /** Columns [from, from + H·d_k) of a (B, L, W) tensor: the queries, keys or values of every head. */
    public record Columns(Tensor x, int from) {
        public Columns {
            if (x.rank() != 3 || from < 0) {
                throw new IllegalArgumentException("attention input must be (batch, length, width), got " + Arrays.toString(x.shape()));
            }
        }

        int batch() {
            return x.dim(0);
        }

        int length() {
            return x.dim(1);
        }

        Operand operand() {
            return new Operand(x.data(), from, x.dim(2));
        }

        Operand gradient() {
            return x.requiresGrad() ? new Operand(x.grad(), from, x.dim(2)) : new Operand(Workspace.floats(x.size()), from, x.dim(2));
        }
    }

    /** The most attention weights (B·H·T·S) the materialising path stores: one Java array's worth. */
    public static final int MAX_WEIGHTS = Integer.MAX_VALUE - 8;

    /**
     * @param heads   H; the width E = H·d_k of q's block is {@code embed}
     * @param dropout probability of dropping an attention weight (training), in [0, 1); needs {@code rng} when > 0
     * @param weights whether to return the weights (the materialising path)
     */
    public static Result apply(Columns q, Columns k, Columns v, int heads, int embed, AttentionMask mask, float dropout, Rng rng,
                               boolean weights) {
        if (heads < 1 || embed % heads != 0) {
            throw new IllegalArgumentException("attention: embedding size " + embed + " is not divisible by " + heads + " heads");
        }
        int b = q.batch();
        int t = q.length();
        int s = k.length();
        for (Columns c : new Columns[] {q, k, v}) {
            if (c.batch() != b || c.from() + embed > c.x().dim(2)) {
                throw new IllegalArgumentException("attention: an input of shape " + Arrays.toString(c.x().shape()) + " has no "
                        + embed + " columns from " + c.from() + " for a batch of " + b);
            }
        }
        if (v.length() != s) {
            throw new IllegalArgumentException("attention: " + s + " keys but " + v.length() + " values");
        }
        int d = embed / heads;
        Dims n = new Dims(b, heads, t, s, d);
        float scale = (float) (1 / Math.sqrt(d));
        Dropout drop = dropout > 0f ? new Dropout(dropout, rng.nextLong()) : Dropout.NONE;
        Tensor out = Tensor.output(b, t, embed);
        float[] lse = Workspace.floats(b * heads * t);
        Operand o = Operand.dense(out.data(), embed);
        if (!weights) {
            FusedAttention.forward(n, scale, mask, drop, q.operand(), k.operand(), v.operand(), o, lse);
            Node.record(new Tensor[] {out}, new Tensor[] {q.x(), k.x(), v.x()}, () -> {
                float[] dOut = out.gradOrNull();
                if (dOut != null) {
                    FusedAttention.backward(n, scale, mask, drop, q.operand(), k.operand(), v.operand(), o,
                            Operand.dense(dOut, embed), lse, q.gradient(), k.gradient(), v.gradient());
                }
            });
            return new Result(out, null);
        }
        long cells = (long) b * heads * t * s;
        if (cells > MAX_WEIGHTS) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "attention weights (batch %d, heads %d, %d queries, %d keys) "
                    + "would hold %,d values, more than a Java array holds (2,147,483,639); ask for weights on shorter sequences or a smaller "
                    + "batch (the fused path, without weights, stores no such matrix)", b, heads, t, s, cells));
        }
        float[] softmax = Workspace.floats((int) cells);
        Tensor w = Tensor.output(b, heads, t, s);
        FusedAttention.materialisedForward(n, scale, mask, drop, q.operand(), k.operand(), v.operand(), o, lse, softmax, w.data());
        Node.record(new Tensor[] {out, w}, new Tensor[] {q.x(), k.x(), v.x()}, () -> {
            float[] dOut = out.gradOrNull();
            float[] dW = w.gradOrNull();
            if (dOut != null || dW != null) {
                FusedAttention.materialisedBackward(n, scale, drop, q.operand(), k.operand(), v.operand(), softmax,
                        Operand.dense(dOut != null ? dOut : Workspace.floats(out.size()), embed), dW, q.gradient(), k.gradient(), v.gradient());
            }
        });
        return new Result(out, w);
    }
}
