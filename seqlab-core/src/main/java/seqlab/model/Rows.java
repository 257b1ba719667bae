package seqlab.model;

import seqlab.tensor.Tensor;

/** Batch rows picked out of a tensor, for decoders that follow a beam's hypotheses. */
final class Rows {

    private Rows() {}

    /** The slices of t at the given indices of dimension {@code dim} (0 or 1), in order; a copy without gradient. */
    static Tensor of(Tensor t, int dim, int[] rows) {
        int[] shape = t.shape().clone();
        int outer = 1;
        for (int i = 0; i < dim; i++) {
            outer *= shape[i];
        }
        int n = shape[dim];
        int inner = n == 0 ? 0 : t.size() / (outer * n);
        float[] d = new float[outer * rows.length * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(t.data(), (o * n + rows[i]) * inner, d, (o * rows.length + i) * inner, inner);
            }
        }
        shape[dim] = rows.length;
        return Tensor.of(d, shape);
    }
}
