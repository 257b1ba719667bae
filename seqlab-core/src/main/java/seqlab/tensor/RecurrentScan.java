package seqlab.tensor;

import java.util.Arrays;

import seqlab.kernel.Gemm;
import seqlab.kernel.Kernels;
import seqlab.kernel.GruCellKernel;
import seqlab.kernel.LstmCellKernel;
import seqlab.kernel.RnnCellKernel;
import seqlab.kernel.Vec;

/**
 * One recurrent layer in one direction over a whole sequence, as a single differentiable op.
 *
 * <p>Forward: the input projection of all steps is one GEMM, X_g = X·W_ihᵀ + b_ih (T·B, G·H); each
 * step then does only the recurrent product h_{t−1}·W_hhᵀ (B, G·H) and a fused cell kernel.
 * Backward (BPTT): per step, the cell's backward and ∂h_{t−1} = ∂g_t·W_hh; after the loop,
 * ∂W_ih = ∂Gᵀ·X, ∂W_hh = ∂Gᵀ·H_prev and ∂X = ∂G·W_ih as three large GEMMs over all steps,
 * instead of T small ones.
 *
 * <p>Shapes (time-major): x (T, B, I); h0, c0 (B, H) or null for zeros; W_ih (G·H, I); W_hh (G·H, H);
 * b_ih, b_hh (G·H) or null. Outputs: y (T, B, H), h_T (B, H), c_T (B, H) for LSTM. With
 * {@code reverse} the steps run t = T−1 … 0 and y[t] is still the state at position t.
 *
 * <p>Padded batches (PyTorch's packed sequences): with {@code lengths} (B), row b takes only its
 * first lengths[b] steps; at a later step its state is carried unchanged, so h_T is the state
 * after the row's last real token (forward) or after its first one (reverse, which starts at the
 * row's last real token from h0). y at padded positions holds that carried state, not PyTorch's
 * zeros: consumers must mask it.
 */
public final class RecurrentScan {

    /** The op's outputs. {@code c} is null unless the cell is an LSTM. */
    public record Result(Tensor y, Tensor h, Tensor c) {}

    private RecurrentScan() {}

    public static Result apply(CellType cell, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh,
                               Tensor bIh, Tensor bHh, boolean reverse) {
        return apply(cell, x, h0, c0, wIh, wHh, bIh, bHh, reverse, null);
    }

    /** As above; {@code lengths} (B) gives each row's real steps, or null when every row has T. */
    public static Result apply(CellType cell, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh,
                               Tensor bIh, Tensor bHh, boolean reverse, int[] lengths) {
        return apply(cell, x, h0, c0, wIh, wHh, bIh, bHh, reverse, lengths, null);
    }

    /**
     * As above, taking W_ih and W_hh (and their transposes) from {@code packs} when it is not null:
     * for a decoder that calls the scan once per step with the same weights. Same bits either way.
     */
    public static Result apply(CellType cell, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh,
                               Tensor bIh, Tensor bHh, boolean reverse, int[] lengths, PackedWeights packs) {
        if (x.rank() != 3) {
            throw new IllegalArgumentException("recurrent layer: input must be (T, B, I), got " + Arrays.toString(x.shape()));
        }
        int steps = x.dim(0);
        int batch = x.dim(1);
        int in = x.dim(2);
        int gh = wIh.dim(0);
        int hidden = wHh.dim(1);
        int g = cell.gates();
        if (gh != g * hidden || wIh.dim(1) != in || wHh.dim(0) != gh) {
            throw new IllegalArgumentException("recurrent layer: weight_ih " + Arrays.toString(wIh.shape()) + " / weight_hh "
                    + Arrays.toString(wHh.shape()) + " do not fit input size " + in + " and " + g + " gates");
        }
        checkState("h0", h0, batch, hidden);
        checkState("c0", c0, batch, hidden);
        checkLengths(lengths, batch, steps);
        boolean lstm = cell == CellType.LSTM;
        boolean gru = cell == CellType.GRU;
        boolean relu = cell == CellType.RNN_RELU;
        int rowsG = batch * gh;
        int rowsH = batch * hidden;
        float[] bih = bIh == null ? Workspace.floats(gh) : bIh.data();
        float[] bhh = bHh == null ? Workspace.floats(gh) : bHh.data();
        float[] h0d = h0 == null ? Workspace.floats(rowsH) : h0.data();
        float[] c0d = c0 == null ? Workspace.floats(rowsH) : c0.data();

        // X_g = X·W_ihᵀ + b_ih                                             (T·B, G·H)
        float[] xg = Workspace.uninitialized(steps * rowsG);                // written by the β = 0 product
        if (packs != null) {
            Gemm.sgemm(false, steps * batch, 1f, x.data(), 0, Math.max(in, 1), packs.transposed(wIh), 0f, xg, 0, Math.max(gh, 1));
        } else {
            Gemm.sgemm(false, true, steps * batch, gh, in, 1f, x.data(), 0, Math.max(in, 1), wIh.data(), 0, Math.max(in, 1),
                    0f, xg, 0, Math.max(gh, 1));
        }
        Vec.addBias(steps * batch, gh, bih, 0, xg, 0);

        float[] y = Workspace.floats(steps * rowsH);                         // (T, B, H)
        float[] act = Workspace.floats(steps * rowsG);                       // gate activations, (T, B, G·H)
        float[] cs = lstm ? Workspace.floats(steps * rowsH) : null;          // c_t
        float[] tcs = lstm ? Workspace.floats(steps * rowsH) : null;         // tanh(c_t)
        float[] hns = gru ? Workspace.floats(steps * rowsH) : null;          // W_hn·h + b_hn
        float[] hT = Workspace.floats(rowsH);
        float[] cT = lstm ? Workspace.floats(rowsH) : null;
        boolean ref = Kernels.reference();
        PackedWeights whhPacks = packs != null ? packs : new PackedWeights();   // W_hh is packed once for all steps either way
        Gemm.PackedB whhT = whhPacks.transposed(wHh);                                              // W_hhᵀ
        for (int p = 0; p < steps; p++) {
            int t = reverse ? steps - 1 - p : p;
            int tPrev = reverse ? t + 1 : t - 1;
            float[] hp = p == 0 ? h0d : y;
            int hpOff = p == 0 ? 0 : tPrev * rowsH;
            // h_{t−1}·W_hhᵀ                                                 (B, G·H)
            Gemm.sgemm(false, batch, 1f, hp, hpOff, Math.max(hidden, 1), whhT, 0f, act, t * rowsG, Math.max(gh, 1));
            if (lstm) {
                float[] cp = p == 0 ? c0d : cs;
                int cpOff = p == 0 ? 0 : tPrev * rowsH;
                LstmCellKernel.forward(batch, hidden, act, t * rowsG, xg, t * rowsG, bhh, 0, cp, cpOff,
                        cs, t * rowsH, tcs, t * rowsH, y, t * rowsH, ref);
            } else if (gru) {
                GruCellKernel.forward(batch, hidden, act, t * rowsG, xg, t * rowsG, bhh, 0, hp, hpOff,
                        hns, t * rowsH, y, t * rowsH, ref);
            } else {
                RnnCellKernel.forward(batch, hidden, relu, act, t * rowsG, xg, t * rowsG, bhh, 0, y, t * rowsH, ref);
            }
            if (lengths != null) {                                           // padded rows keep their state
                for (int b = 0; b < batch; b++) {
                    if (t >= lengths[b]) {
                        System.arraycopy(hp, hpOff + b * hidden, y, t * rowsH + b * hidden, hidden);
                        if (lstm) {
                            System.arraycopy(p == 0 ? c0d : cs, (p == 0 ? 0 : tPrev * rowsH) + b * hidden,
                                    cs, t * rowsH + b * hidden, hidden);
                        }
                    }
                }
            }
        }
        if (steps > 0) {
            int tLast = reverse ? 0 : steps - 1;
            System.arraycopy(y, tLast * rowsH, hT, 0, rowsH);
            if (lstm) {
                System.arraycopy(cs, tLast * rowsH, cT, 0, rowsH);
            }
        } else {
            System.arraycopy(h0d, 0, hT, 0, rowsH);
            if (lstm) {
                System.arraycopy(c0d, 0, cT, 0, rowsH);
            }
        }
        Tensor yT = Tensor.of(y, steps, batch, hidden);
        Tensor hTT = Tensor.of(hT, batch, hidden);
        Tensor cTT = lstm ? Tensor.of(cT, batch, hidden) : null;
        Tensor[] outs = lstm ? new Tensor[] {yT, hTT, cTT} : new Tensor[] {yT, hTT};

        Node.record(outs, new Tensor[] {x, h0, c0, wIh, wHh, bIh, bHh}, () -> {
            float[] dy = yT.gradOrNull();
            float[] dh = hTT.gradOrNull() == null ? Workspace.floats(rowsH) : Workspace.copyOf(hTT.gradOrNull());
            float[] dc = lstm ? (cTT.gradOrNull() == null ? Workspace.floats(rowsH) : Workspace.copyOf(cTT.gradOrNull())) : null;
            float[] dgi = Workspace.floats(steps * rowsG);                  // ∂(W_ih·x + b_ih), (T, B, G·H)
            float[] dgh = gru ? Workspace.floats(steps * rowsG) : dgi;      // ∂(W_hh·h + b_hh)
            float[] hPrev = Workspace.floats(steps * rowsH);                // h_{t−1} aligned with step t
            float[] direct = gru ? Workspace.floats(rowsH) : null;
            float[] keepH = lengths == null ? null : Workspace.floats(rowsH); // ∂h, ∂c of padded rows pass through
            float[] keepC = lengths != null && lstm ? Workspace.floats(rowsH) : null;
            Gemm.PackedB whh = whhPacks.plain(wHh);                                               // W_hh
            for (int p = steps - 1; p >= 0; p--) {
                int t = reverse ? steps - 1 - p : p;
                int tPrev = reverse ? t + 1 : t - 1;
                float[] hp = p == 0 ? h0d : y;
                int hpOff = p == 0 ? 0 : tPrev * rowsH;
                System.arraycopy(hp, hpOff, hPrev, t * rowsH, rowsH);
                if (dy != null) {
                    Vec.add(rowsH, dy, t * rowsH, dh, 0);                   // ∂h_t += ∂y_t
                }
                boolean padded = lengths != null && carry(lengths, t, hidden, dh, keepH, dc, keepC, false);
                if (lstm) {
                    float[] cp = p == 0 ? c0d : cs;
                    int cpOff = p == 0 ? 0 : tPrev * rowsH;
                    LstmCellKernel.backward(batch, hidden, act, t * rowsG, cp, cpOff, tcs, t * rowsH, dh, 0, dc, 0,
                            dgi, t * rowsG, ref);
                    if (padded) {
                        zeroPaddedRows(lengths, t, gh, dgi, t * rowsG);
                    }
                    // ∂h_{t−1} = ∂g_t·W_hh
                    Gemm.sgemm(false, batch, 1f, dgi, t * rowsG, Math.max(gh, 1), whh, 0f, dh, 0, Math.max(hidden, 1));
                } else if (gru) {
                    GruCellKernel.backward(batch, hidden, act, t * rowsG, hns, t * rowsH, hp, hpOff, dh, 0,
                            dgi, t * rowsG, dgh, t * rowsG, direct, 0, ref);
                    if (padded) {
                        zeroPaddedRows(lengths, t, gh, dgi, t * rowsG);
                        zeroPaddedRows(lengths, t, gh, dgh, t * rowsG);
                    }
                    // ∂h_{t−1} = ∂h_t ⊙ z + ∂g^hh_t·W_hh
                    Gemm.sgemm(false, batch, 1f, dgh, t * rowsG, Math.max(gh, 1), whh, 1f, direct, 0, Math.max(hidden, 1));
                    System.arraycopy(direct, 0, dh, 0, rowsH);
                } else {
                    RnnCellKernel.backward(batch, hidden, relu, y, t * rowsH, dh, 0, dgi, t * rowsG, ref);
                    if (padded) {
                        zeroPaddedRows(lengths, t, gh, dgi, t * rowsG);
                    }
                    Gemm.sgemm(false, batch, 1f, dgi, t * rowsG, Math.max(gh, 1), whh, 0f, dh, 0, Math.max(hidden, 1));
                }
                if (padded) {
                    carry(lengths, t, hidden, dh, keepH, dc, keepC, true);
                }
            }
            if (h0 != null && h0.requiresGrad()) {
                Vec.add(rowsH, dh, 0, h0.grad(), 0);
            }
            if (c0 != null && c0.requiresGrad()) {
                Vec.add(rowsH, dc, 0, c0.grad(), 0);
            }
            int rows = steps * batch;
            if (wIh.requiresGrad()) {                                        // ∂W_ih = ∂Gᵀ·X
                Gemm.sgemm(true, false, gh, in, rows, 1f, dgi, 0, Math.max(gh, 1), x.data(), 0, Math.max(in, 1),
                        1f, wIh.grad(), 0, Math.max(in, 1));
            }
            if (wHh.requiresGrad()) {                                        // ∂W_hh = ∂G_hhᵀ·H_prev
                Gemm.sgemm(true, false, gh, hidden, rows, 1f, dgh, 0, Math.max(gh, 1), hPrev, 0, Math.max(hidden, 1),
                        1f, wHh.grad(), 0, Math.max(hidden, 1));
            }
            if (bIh != null && bIh.requiresGrad()) {
                Vec.addRows(rows, gh, dgi, 0, bIh.grad(), 0);
            }
            if (bHh != null && bHh.requiresGrad()) {
                Vec.addRows(rows, gh, dgh, 0, bHh.grad(), 0);
            }
            if (x.requiresGrad() && packs != null) {                         // ∂X = ∂G·W_ih
                Gemm.sgemm(false, rows, 1f, dgi, 0, Math.max(gh, 1), packs.plain(wIh), 1f, x.grad(), 0, Math.max(in, 1));
            } else if (x.requiresGrad()) {
                Gemm.sgemm(false, false, rows, in, gh, 1f, dgi, 0, Math.max(gh, 1), wIh.data(), 0, Math.max(in, 1),
                        1f, x.grad(), 0, Math.max(in, 1));
            }
        });
        return new Result(yT, hTT, cTT);
    }

    /**
     * For the rows padded at step t: saves (restore = false) or puts back (restore = true) their
     * ∂h and ∂c, which pass to step t−1 unchanged. Returns whether any row is padded at t.
     */
    private static boolean carry(int[] lengths, int t, int hidden, float[] dh, float[] keepH, float[] dc, float[] keepC,
                                 boolean restore) {
        boolean any = false;
        for (int b = 0; b < lengths.length; b++) {
            if (t >= lengths[b]) {
                any = true;
                int o = b * hidden;
                System.arraycopy(restore ? keepH : dh, o, restore ? dh : keepH, o, hidden);
                if (keepC != null) {
                    System.arraycopy(restore ? keepC : dc, o, restore ? dc : keepC, o, hidden);
                }
            }
        }
        return any;
    }

    private static void zeroPaddedRows(int[] lengths, int t, int width, float[] g, int off) {
        for (int b = 0; b < lengths.length; b++) {
            if (t >= lengths[b]) {
                java.util.Arrays.fill(g, off + b * width, off + (b + 1) * width, 0f);
            }
        }
    }

    private static void checkLengths(int[] lengths, int batch, int steps) {
        if (lengths == null) {
            return;
        }
        if (lengths.length != batch) {
            throw new IllegalArgumentException("recurrent layer: " + lengths.length + " lengths for a batch of " + batch);
        }
        for (int len : lengths) {
            if (len < 0 || len > steps) {
                throw new IllegalArgumentException("recurrent layer: length " + len + " outside [0, " + steps + "]");
            }
        }
    }

    private static void checkState(String name, Tensor s, int batch, int hidden) {
        if (s != null && (s.rank() != 2 || s.dim(0) != batch || s.dim(1) != hidden)) {
            throw new IllegalArgumentException("recurrent layer: " + name + " has shape " + Arrays.toString(s.shape())
                    + ", expected [" + batch + ", " + hidden + "]");
        }
    }
}
