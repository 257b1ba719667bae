package seqlab.nn.recurrent;

import seqlab.tensor.CellType;
import seqlab.tensor.Rng;

/**
 * PyTorch's {@code nn.GRU}: gates r, z, n; n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)),
 * h' = (1 − z) ⊙ n + z ⊙ h. See {@link Recurrent} for shapes, names and initialisation.
 */
public final class Gru extends Recurrent {

    public Gru(RecurrentConfig config, Rng rng) {
        super(Lstm.requireCell(config, CellType.GRU), rng);
    }
}
