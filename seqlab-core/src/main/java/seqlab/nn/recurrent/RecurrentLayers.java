package seqlab.nn.recurrent;

import seqlab.tensor.Rng;

/** Builds the module for a config's cell: {@link Rnn}, {@link Lstm} or {@link Gru}. */
public final class RecurrentLayers {

    private RecurrentLayers() {}

    public static Recurrent create(RecurrentConfig config, Rng rng) {
        return switch (config.cell()) {
            case LSTM -> new Lstm(config, rng);
            case GRU -> new Gru(config, rng);
            case RNN_TANH, RNN_RELU -> new Rnn(config, rng);
        };
    }
}
