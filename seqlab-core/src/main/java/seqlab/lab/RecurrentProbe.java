package seqlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import seqlab.nn.Embedding;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.nn.Parameter;
import seqlab.nn.recurrent.Recurrent;
import seqlab.nn.recurrent.RecurrentConfig;
import seqlab.nn.recurrent.RecurrentLayers;
import seqlab.tensor.CellType;
import seqlab.tensor.RecurrentScan;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.ShapeOps;

/**
 * The small model of the memory experiments: inputs (token embeddings, or raw features when
 * {@code vocab} is 0) → one recurrent layer (B, T, H) → a linear head, read at every position or
 * at the last. Parameters: {@code embed.weight} (V, I) if tokens; {@code rnn.*}; {@code head.*} (K, H).
 */
final class RecurrentProbe extends Module implements Probe {

    private final CellType cell;
    private final Embedding embed;     // or null for raw features
    private final Recurrent rnn;
    private final Linear head;
    private final int inputSize;

    RecurrentProbe(CellType cell, int vocab, int inputSize, int hidden, int outputs, Rng rng) {
        this.cell = cell;
        this.inputSize = inputSize;
        this.embed = vocab > 0 ? child("embed", new Embedding(vocab, inputSize, rng)) : null;
        this.rnn = child("rnn", RecurrentLayers.create(new RecurrentConfig(cell, inputSize, hidden, 1, true, true, 0f, false), rng));
        this.head = child("head", new Linear(hidden, outputs, true, rng));
    }

    /**
     * Sets the LSTM forget gate's bias to {@code value} (b_ih's f block; b_hh's f block to 0), the
     * initialisation of Gers et al. 2000 and Jozefowicz et al. 2015 that keeps c_t from decaying at
     * the start of training.
     */
    RecurrentProbe forgetBias(float value) {
        if (cell != CellType.LSTM) {
            throw new IllegalArgumentException("a forget gate bias needs an LSTM, not " + cell.id());
        }
        Tensor[] w = cellWeights();
        int h = w[1].dim(1);
        java.util.Arrays.fill(w[2].data(), h, 2 * h, value);                                   // gates i, f, g, o: f is block 1
        java.util.Arrays.fill(w[3].data(), h, 2 * h, 0f);
        return this;
    }

    /** Inputs (B, T, I): embedded token ids (B·T) or the given features (B·T·I). */
    @Override
    public Tensor inputs(int[] tokens, float[] features, int batch, int time) {
        return embed != null ? embed.forward(tokens, batch, time) : Tensor.of(features, batch, time, inputSize);
    }

    /** Head outputs at every position (B, T, K). */
    @Override
    public Tensor everyStep(Tensor x) {
        return head.forward(rnn.forward(x, null).output());
    }

    /** Head output from the final state (B, K). */
    @Override
    public Tensor lastStep(Tensor x) {
        return head.forward(ShapeOps.select(rnn.forward(x, null).h(), 0));
    }

    /** The recurrent layer's weights: W_ih, W_hh, b_ih, b_hh. */
    private Tensor[] cellWeights() {
        Map<String, Parameter> p = rnn.namedParameters();
        return new Tensor[] {p.get("weight_ih_l0").tensor(), p.get("weight_hh_l0").tensor(), p.get("bias_ih_l0").tensor(),
                p.get("bias_hh_l0").tensor()};
    }

    /**
     * The model unrolled one step at a time on the same weights, so that every state h_t is its
     * own tensor: returns the states (each (B, H)) and the head output from the last (B, K).
     */
    record Unrolled(List<Tensor> states, Tensor last) {}

    Unrolled unrolled(Tensor x) {
        int batch = x.dim(0);
        int time = x.dim(1);
        Tensor seq = ShapeOps.transpose01(x);                                                       // (T, B, I)
        Tensor[] w = cellWeights();
        Tensor h = null;
        Tensor c = null;
        List<Tensor> states = new ArrayList<>();
        for (int t = 0; t < time; t++) {
            Tensor xt = ShapeOps.reshape(ShapeOps.select(seq, t), 1, batch, x.dim(2));                  // (1, B, I)
            RecurrentScan.Result r = RecurrentScan.apply(cell, xt, h, c, w[0], w[1], w[2], w[3], false);
            h = r.h();
            c = r.c();
            states.add(h);
        }
        return new Unrolled(states, head.forward(h));
    }
}
