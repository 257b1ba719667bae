package seqlab.kernel;

/**
 * Selects the reference loops instead of the fast kernels everywhere (GEMM, cells, softmax, layer norm, GELU),
 * to bisect a numeric difference: {@code Kernels.useReference(true)}, or the system property
 * {@code -Dseqlab.reference=true} (the launcher passes {@code SEQLAB_JAVA_OPTS} through).
 */
public final class Kernels {

    private static volatile boolean reference = Boolean.getBoolean("seqlab.reference");

    static {
        Gemm.useReference(reference);
    }

    private Kernels() {}

    public static void useReference(boolean on) {
        reference = on;
        Gemm.useReference(on);
    }

    public static boolean reference() {
        return reference;
    }
}
