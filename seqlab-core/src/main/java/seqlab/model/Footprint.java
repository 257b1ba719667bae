package seqlab.model;

import java.util.Locale;

/**
 * The memory a model needs, computed from its config before anything is allocated: its parameter
 * count, its largest single tensor (a Java array holds at most {@value #MAX_ARRAY} floats), and
 * the floats a training step keeps alive (activations saved for the backward pass and their
 * gradients; an estimate from the layer shapes, not a measurement).
 *
 * @param parameters    distinct parameters
 * @param largestTensor values in the largest parameter or activation tensor
 * @param stepFloats    floats of a step's activations and their gradients
 */
public record Footprint(long parameters, long largestTensor, long stepFloats) {

    /** The most elements a Java array can hold on HotSpot. */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Checks that the model fits: no tensor larger than a Java array, and parameters ×
     * {@code copies} plus a step's activations within {@code heapBytes}.
     *
     * @param copies what each parameter is held as: 1 for inference, 2 with gradients, 4 with Adam's moments
     * @param what   the copies in words, e.g. "weights, gradients and Adam's two moments"
     * @param fix    what the user can make smaller, e.g. "--hidden, --layers, --batch or --seq"
     * @throws IllegalArgumentException with the figures and how to fix, when it does not fit
     */
    public void requireFits(int copies, String what, boolean training, long heapBytes, String fix) {
        if (largestTensor > MAX_ARRAY) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "one tensor of this model would hold %s values, more than a "
                    + "Java array's %,d; use smaller sizes (%s)", count(largestTensor), MAX_ARRAY, fix));
        }
        double weights = (double) parameters * copies * Float.BYTES;
        double step = training ? (double) stepFloats * Float.BYTES : 0;
        double need = weights + step;
        if (need > heapBytes) {
            long machine = physicalMemory();
            String larger = machine > 0 && need > machine
                    ? String.format(Locale.ROOT, "; that is more than this machine's %s of memory", bytes(machine))
                    : String.format(Locale.ROOT, " or a larger heap (SEQLAB_JAVA_OPTS=-Xmx%dg)", (long) Math.ceil(need * 1.25 / (1L << 30)) + 1);
            throw new IllegalArgumentException(String.format(Locale.ROOT, "this model needs about %s (%s parameters × %d copies: %s, "
                    + "× 4 bytes%s), more than the %s the Java heap has free; use smaller sizes (%s)%s", bytes(need), count(parameters),
                    copies, what, training ? String.format(Locale.ROOT, ", plus about %s for a step's activations", bytes(step)) : "",
                    bytes(heapBytes), fix, larger));
        }
    }

    /** A count as a figure, or "more than 9.2e18" where it saturated. */
    static String count(long n) {
        return n == Long.MAX_VALUE ? "more than 9.2e18" : String.format(Locale.ROOT, "%,d", n);
    }

    /** The machine's physical memory in bytes, or 0 where the JVM cannot say. */
    static long physicalMemory() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : 0;
    }

    /**
     * The heap a new allocation can still get: the maximum heap less what is live now. Collects
     * first, so that the garbage of reading and tokenizing a corpus does not count as used.
     */
    public static long freeHeap() {
        Runtime r = Runtime.getRuntime();
        System.gc();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    static String bytes(double b) {
        return b >= 1L << 50 ? String.format(Locale.ROOT, "%.2g PB", b / (1L << 50))
                : b >= 1L << 40 ? String.format(Locale.ROOT, "%.1f TB", b / (1L << 40))
                : b >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GB", b / (1L << 30))
                : String.format(Locale.ROOT, "%.0f MB", b / (1L << 20));
    }

    /** The parameters of L recurrent layers (D directions, G gates, input {@code in}, hidden H, biases). */
    static long recurrentParameters(long gates, long in, long h, int layers, int directions) {
        long n = 0;
        for (int k = 0; k < layers && n < Long.MAX_VALUE; k++) {
            long input = k == 0 ? in : mul(directions, h);
            n = add(n, mul(directions, add(mul(gates, h, add(input, h)), mul(2, gates, h))));     // W_ih, W_hh, b_ih, b_hh
        }
        return n;
    }

    /**
     * The floats a recurrent stack keeps for the backward pass over (B, T), and their gradients:
     * per layer and direction the projected inputs and gate activations (G·H each) and the
     * states and outputs (2H; an LSTM's cells too).
     */
    static long recurrentStepFloats(long gates, long h, int layers, int directions, long batch, long time) {
        return mul(2, layers, directions, batch, time, add(mul(2, gates, h), mul(3, h)));
    }

    /** The product, or Long.MAX_VALUE where it overflows: sizes this large are refused anyway. */
    static long mul(long... factors) {
        long p = 1;
        for (long f : factors) {
            try {
                p = Math.multiplyExact(p, f);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return p;
    }

    /** The sum, or Long.MAX_VALUE where it overflows. */
    static long add(long... terms) {
        long s = 0;
        for (long t : terms) {
            try {
                s = Math.addExact(s, t);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return s;
    }
}
