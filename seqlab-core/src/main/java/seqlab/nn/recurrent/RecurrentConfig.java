package seqlab.nn.recurrent;

import seqlab.tensor.CellType;

/**
 * The constructor arguments of PyTorch's {@code nn.RNN} / {@code nn.LSTM} / {@code nn.GRU}.
 *
 * @param cell          rnn_tanh, rnn_relu, lstm or gru
 * @param inputSize     I, features of x
 * @param hiddenSize    H, features of h
 * @param numLayers     L, stacked layers (layer k > 0 reads layer k − 1's output)
 * @param bias          whether b_ih and b_hh exist
 * @param batchFirst    input and output are (B, T, ·) instead of (T, B, ·)
 * @param dropout       dropout on the outputs of every layer but the last, in [0, 1]
 * @param bidirectional D = 2 directions, outputs concatenated (…, 2H)
 */
public record RecurrentConfig(CellType cell, int inputSize, int hiddenSize, int numLayers, boolean bias,
                              boolean batchFirst, float dropout, boolean bidirectional) {

    public RecurrentConfig {
        if (cell == null) {
            throw new IllegalArgumentException("cell must be one of rnn_tanh, rnn_relu, lstm, gru");
        }
        if (inputSize <= 0) {
            throw new IllegalArgumentException("input_size must be > 0, got " + inputSize);
        }
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hidden_size must be > 0, got " + hiddenSize);
        }
        if (numLayers <= 0) {
            throw new IllegalArgumentException("num_layers must be > 0, got " + numLayers);
        }
        if (!(dropout >= 0f && dropout <= 1f)) {
            throw new IllegalArgumentException("dropout should be a number in range [0, 1], got " + dropout);
        }
    }

    /** Single-layer, unidirectional, with biases, time-major: PyTorch's defaults. */
    public static RecurrentConfig of(CellType cell, int inputSize, int hiddenSize) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, 1, true, false, 0f, false);
    }

    public int directions() {
        return bidirectional ? 2 : 1;
    }

    public RecurrentConfig withNumLayers(int n) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, n, bias, batchFirst, dropout, bidirectional);
    }

    public RecurrentConfig withBatchFirst(boolean on) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bias, on, dropout, bidirectional);
    }

    public RecurrentConfig withBidirectional(boolean on) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, on);
    }

    public RecurrentConfig withDropout(float p) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bias, batchFirst, p, bidirectional);
    }
}
