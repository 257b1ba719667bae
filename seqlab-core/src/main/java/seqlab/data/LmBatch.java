package seqlab.data;

/** A language-model batch: inputs x and next-token targets y, both (B, T) row-major. */
public record LmBatch(int[] x, int[] y, int batch, int time) {

    public LmBatch {
        if (x.length != batch * time || y.length != batch * time) {
            throw new IllegalArgumentException("batch arrays must hold " + batch + "x" + time + " ids");
        }
    }
}
