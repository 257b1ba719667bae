package seqlab.nn.recurrent;

import seqlab.tensor.CellType;
import seqlab.tensor.Rng;

/**
 * PyTorch's {@code nn.LSTM}: gates i, f, g, o;
 * c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g), h_t = σ(o) ⊙ tanh(c_t). See {@link Recurrent} for shapes,
 * names and initialisation.
 */
public final class Lstm extends Recurrent {

    public Lstm(RecurrentConfig config, Rng rng) {
        super(requireCell(config, CellType.LSTM), rng);
    }

    static RecurrentConfig requireCell(RecurrentConfig config, CellType... allowed) {
        for (CellType c : allowed) {
            if (config.cell() == c) {
                return config;
            }
        }
        throw new IllegalArgumentException("config has cell " + config.cell().id() + ", expected " + allowed[0].id());
    }
}
