package seqlab.nn;

import java.util.Arrays;

import seqlab.tensor.Tensor;

/** A trainable tensor owned by a module; its name in {@link Module#namedParameters()} is PyTorch's. */
public final class Parameter {

    private final Tensor value;

    /** The most elements a Java array can hold on HotSpot. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    Parameter(int... shape) {
        this.value = Tensor.parameter(new float[numel(shape)], shape);
    }

    private static int numel(int[] shape) {
        double n = 1;                                       // a double cannot overflow on the way
        long exact = 1;
        for (int d : shape) {
            n *= d;
            exact = n <= MAX_ARRAY ? exact * d : exact;
        }
        if (n > MAX_ARRAY) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "a parameter of shape %s would hold %.3g values, more than a Java array's %,d; use smaller sizes",
                    Arrays.toString(shape), n, MAX_ARRAY));
        }
        return (int) exact;
    }

    /** The tensor that ops take (a leaf that collects a gradient). */
    public Tensor tensor() {
        return value;
    }

    public float[] data() {
        return value.data();
    }

    public float[] grad() {
        return value.grad();
    }

    public int[] shape() {
        return value.shape();
    }

    public int size() {
        return value.size();
    }

    @Override
    public String toString() {
        return "Parameter" + Arrays.toString(value.shape());
    }
}
