package seqlab.tensor;

/** The recurrent cells, with PyTorch's names ({@code mode} of {@code nn.RNNBase}) and gate counts. */
public enum CellType {
    RNN_TANH("rnn_tanh", 1),
    RNN_RELU("rnn_relu", 1),
    LSTM("lstm", 4),
    GRU("gru", 3);

    private final String id;
    private final int gates;

    CellType(String id, int gates) {
        this.id = id;
        this.gates = gates;
    }

    /** The name used in config.json: rnn_tanh, rnn_relu, lstm, gru. */
    public String id() {
        return id;
    }

    /** Number of gate blocks G: weight_ih is (G·H, I). */
    public int gates() {
        return gates;
    }

    public static CellType fromId(String id) {
        for (CellType c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cell '" + id + "'; expected one of rnn_tanh, rnn_relu, lstm, gru");
    }
}
