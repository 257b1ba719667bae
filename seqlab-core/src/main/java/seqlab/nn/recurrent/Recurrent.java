package seqlab.nn.recurrent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import seqlab.nn.Init;
import seqlab.nn.Module;
import seqlab.nn.Parameter;
import seqlab.tensor.CellType;
import seqlab.tensor.PackedWeights;
import seqlab.tensor.RecurrentScan;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.ShapeOps;

/**
 * A stack of recurrent layers, PyTorch's {@code nn.RNNBase}: the common body of {@link Rnn},
 * {@link Lstm} and {@link Gru}. Each layer and direction is one {@link RecurrentScan} op.
 *
 * <p>Parameters, per layer k and direction (suffix {@code _reverse} for the backward one), in
 * PyTorch's order: {@code weight_ih_l{k}} (G·H, I_k), {@code weight_hh_l{k}} (G·H, H),
 * {@code bias_ih_l{k}} (G·H), {@code bias_hh_l{k}} (G·H), with I_0 = I and I_k = D·H after; G = 4 for
 * LSTM (i, f, g, o), 3 for GRU (r, z, n), 1 for RNN. Init: every tensor ~ U(−1/√H, 1/√H).
 *
 * <p>Shapes: x (B, T, I) if batch_first else (T, B, I); h0, c0 (L·D, B, H) or null for zeros;
 * output (B, T, D·H) or (T, B, D·H); h_n, c_n (L·D, B, H).
 */
public class Recurrent extends Module {

    /** The outputs of a forward call; {@code c} is null unless the cell is an LSTM. */
    public record Output(Tensor output, Tensor h, Tensor c) {}

    private final RecurrentConfig config;
    private final Parameter[][] weights;   // [layer·D + direction] → {w_ih, w_hh, b_ih, b_hh}

    protected Recurrent(RecurrentConfig config, Rng rng) {
        this.config = config;
        int d = config.directions();
        int h = config.hiddenSize();
        int gh = config.cell().gates() * h;
        weights = new Parameter[config.numLayers() * d][];
        for (int layer = 0; layer < config.numLayers(); layer++) {
            int in = layer == 0 ? config.inputSize() : d * h;
            for (int dir = 0; dir < d; dir++) {
                String sfx = "_l" + layer + (dir == 1 ? "_reverse" : "");
                Parameter[] w = new Parameter[4];
                w[0] = parameter("weight_ih" + sfx, gh, in);
                w[1] = parameter("weight_hh" + sfx, gh, h);
                if (config.bias()) {
                    w[2] = parameter("bias_ih" + sfx, gh);
                    w[3] = parameter("bias_hh" + sfx, gh);
                }
                weights[layer * d + dir] = w;
            }
        }
        float bound = (float) (1 / Math.sqrt(h));
        for (Parameter p : parameters()) {
            Init.uniform(p, bound, rng);
        }
    }

    public RecurrentConfig config() {
        return config;
    }

    /** Forward with zero initial states. */
    public Output forward(Tensor x, Rng dropoutRng) {
        return forward(x, null, null, dropoutRng);
    }

    /**
     * @param x          (B, T, I) or (T, B, I)
     * @param h0         (L·D, B, H) or null
     * @param c0         (L·D, B, H) or null; LSTM only
     * @param dropoutRng draws the between-layer dropout masks (unused when dropout is 0 or in eval mode)
     */
    public Output forward(Tensor x, Tensor h0, Tensor c0, Rng dropoutRng) {
        return forward(x, h0, c0, null, dropoutRng);
    }

    /**
     * As above for a padded batch: {@code lengths} (B) gives each row's real steps (PyTorch's
     * packed sequence). h_n and c_n are the states at each row's own end; the output at padded
     * positions is not PyTorch's zeros (see {@link RecurrentScan}) and must be masked.
     */
    public Output forward(Tensor x, Tensor h0, Tensor c0, int[] lengths, Rng dropoutRng) {
        return forward(x, h0, c0, lengths, dropoutRng, null);
    }

    /**
     * As above, with the weight matrices taken from {@code packs} (packed on first use): for a
     * decoder that calls this once per step within one pass, while the weights do not change.
     */
    public Output forward(Tensor x, Tensor h0, Tensor c0, int[] lengths, Rng dropoutRng, PackedWeights packs) {
        CellType cell = config.cell();
        int d = config.directions();
        int layers = config.numLayers();
        int hidden = config.hiddenSize();
        if (x.rank() != 3 || x.dim(2) != config.inputSize()) {
            throw new IllegalArgumentException(cell.id().toUpperCase() + ": input must be "
                    + (config.batchFirst() ? "(batch, seq, " : "(seq, batch, ") + config.inputSize() + "), got "
                    + Arrays.toString(x.shape()));
        }
        int batch = config.batchFirst() ? x.dim(0) : x.dim(1);
        int[] stateShape = {layers * d, batch, hidden};
        checkState("h0", h0, stateShape);
        if (c0 != null && cell != CellType.LSTM) {
            throw new IllegalArgumentException(cell.id().toUpperCase() + ": c0 is only for LSTM");
        }
        checkState("c0", c0, stateShape);
        Tensor seq = config.batchFirst() ? ShapeOps.transpose01(x) : x;     // (T, B, I)
        List<Tensor> hs = new ArrayList<>();
        List<Tensor> cs = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            Tensor[] ys = new Tensor[d];
            for (int dir = 0; dir < d; dir++) {
                int slot = layer * d + dir;
                Parameter[] w = weights[slot];
                RecurrentScan.Result r = RecurrentScan.apply(cell, seq,
                        h0 == null ? null : ShapeOps.select(h0, slot),
                        c0 == null ? null : ShapeOps.select(c0, slot),
                        w[0].tensor(), w[1].tensor(),
                        w[2] == null ? null : w[2].tensor(), w[3] == null ? null : w[3].tensor(), dir == 1, lengths, packs);
                ys[dir] = r.y();
                hs.add(r.h());
                if (r.c() != null) {
                    cs.add(r.c());
                }
            }
            seq = d == 2 ? ShapeOps.concatLast(ys[0], ys[1]) : ys[0];         // (T, B, D·H)
            if (layer < layers - 1 && training() && config.dropout() > 0f) {
                seq = PointwiseOps.dropout(seq, config.dropout(), dropoutRng);
            }
        }
        Tensor out = config.batchFirst() ? ShapeOps.transpose01(seq) : seq;
        return new Output(out, ShapeOps.stack(hs), cs.isEmpty() ? null : ShapeOps.stack(cs));
    }

    private void checkState(String name, Tensor s, int[] expected) {
        if (s != null && !Arrays.equals(s.shape(), expected)) {
            throw new IllegalArgumentException(config.cell().id().toUpperCase() + ": expected " + name + " of size "
                    + Arrays.toString(expected) + ", got " + Arrays.toString(s.shape()));
        }
    }
}
