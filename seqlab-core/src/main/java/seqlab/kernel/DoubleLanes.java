package seqlab.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Floats computed in double precision a vector at a time: {@link #L} floats of an array widened to
 * a vector of doubles of the machine's preferred width, and narrowed back (for kernels whose
 * PyTorch counterpart accumulates in double, such as LayerNorm and GELU).
 */
final class DoubleLanes {

    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** The float species of the same lane count: half the doubles' width. */
    static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    static final int L = D.length();

    private DoubleLanes() {}

    /** a[i, i + L) as doubles. */
    static DoubleVector doubles(float[] a, int i) {
        return (DoubleVector) FloatVector.fromArray(F, a, i).convertShape(VectorOperators.F2D, D, 0);
    }

    /** v rounded to floats. */
    static FloatVector floats(DoubleVector v) {
        return (FloatVector) v.convertShape(VectorOperators.D2F, F, 0);
    }
}
