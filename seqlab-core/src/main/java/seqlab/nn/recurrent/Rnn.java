package seqlab.nn.recurrent;

import seqlab.tensor.CellType;
import seqlab.tensor.Rng;

/**
 * PyTorch's {@code nn.RNN} (Elman): h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh), or relu with
 * cell rnn_relu. See {@link Recurrent} for shapes, names and initialisation.
 */
public final class Rnn extends Recurrent {

    public Rnn(RecurrentConfig config, Rng rng) {
        super(Lstm.requireCell(config, CellType.RNN_TANH, CellType.RNN_RELU), rng);
    }
}
