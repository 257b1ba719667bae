package seqlab.nn.transformer;

/**
 * How a Transformer learns where each token is: nothing marks position without one (self-attention
 * is then permutation-equivariant).
 * <ul>
 * <li>{@code sinusoidal}: PE(pos, 2i) = sin(pos / 10000^{2i/d}), PE(pos, 2i+1) = cos(…) added to the
 *     embeddings (Vaswani et al., §3.5); a computed table, no parameter, any length;</li>
 * <li>{@code learned}: a trained (max_positions, d) table added to the embeddings; no longer inputs;</li>
 * <li>{@code rotary}: queries and keys of self-attention rotated by their position (RoPE, Su et al.;
 *     see {@link seqlab.nn.attention.RotaryEmbedding}); nothing added to the embeddings;</li>
 * <li>{@code none}.</li>
 * </ul>
 */
public enum Positional {
    SINUSOIDAL("sinusoidal"),
    LEARNED("learned"),
    ROTARY("rotary"),
    NONE("none");

    public static final String IDS = "sinusoidal, learned, rotary, none";

    private final String id;

    Positional(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Positional fromId(String id) {
        for (Positional p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("positional encoding \"" + id + "\" is not one of " + IDS);
    }
}
