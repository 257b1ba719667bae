package seqlab.nn.transformer;

import seqlab.nn.Module;
import seqlab.tensor.PointwiseOps;
import seqlab.tensor.Tensor;

/**
 * The paper's positional encoding (Vaswani et al., §3.5), added to the embeddings:
 * PE(pos, 2i) = sin(pos·ω_i), PE(pos, 2i+1) = cos(pos·ω_i), ω_i = e^{−2i·ln(10000)/d}, computed in
 * float32 step by step as PyTorch's tutorial computes its table. No parameter and nothing stored:
 * the table grows to the longest input seen, so any length is accepted.
 */
public final class SinusoidalEncoding extends Module {

    private final int dim;
    private Tensor table = Tensor.zeros(0, 0);          // (P, d), rows 0 … P − 1

    public SinusoidalEncoding(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("positional encoding size must be >= 1, got " + dim);
        }
        this.dim = dim;
    }

    /** The table's first {@code positions} rows, (positions, d). */
    public static float[] table(int positions, int dim) {
        float[] pe = new float[positions * dim];
        float ln = (float) Math.log(10000);
        for (int i = 0; 2 * i < dim; i++) {
            float omega = (float) Math.exp((float) (-2 * i) * ln / dim);                 // ω_i = e^{−2i·ln 10000 / d}
            for (int pos = 0; pos < positions; pos++) {
                float angle = pos * omega;
                pe[pos * dim + 2 * i] = (float) Math.sin(angle);                         // PE(pos, 2i)
                if (2 * i + 1 < dim) {
                    pe[pos * dim + 2 * i + 1] = (float) Math.cos(angle);                 // PE(pos, 2i + 1)
                }
            }
        }
        return pe;
    }

    /** x (B, T, d) + PE[from … from + T). */
    public synchronized Tensor forward(Tensor x, int from) {
        int need = from + x.dim(1);
        if (table.dim(0) < need) {
            int rows = Math.max(need, 2 * table.dim(0));
            table = Tensor.of(table(rows, dim), rows, dim);
        }
        return PointwiseOps.addPositions(x, table, from);
    }
}
