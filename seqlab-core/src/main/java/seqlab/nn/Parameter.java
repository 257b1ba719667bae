package seqlab.nn;

import java.util.Arrays;

import seqlab.tensor.Tensor;

/** A trainable tensor owned by a module; its name in {@link Module#namedParameters()} is PyTorch's. */
public final class Parameter {

    private final Tensor value;

    Parameter(int... shape) {
        this.value = Tensor.parameter(new float[Math.toIntExact(numel(shape))], shape);
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
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
