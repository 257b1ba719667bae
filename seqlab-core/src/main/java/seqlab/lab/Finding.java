package seqlab.lab;

/**
 * One row of an experiment's results table.
 *
 * @param claim   what the textbooks say
 * @param setup   what was run to test it
 * @param result  what was measured
 * @param verdict confirmed, not confirmed, or partly — with the reason in one phrase
 */
public record Finding(String claim, String setup, String result, String verdict) {
    /** Values as a finding writes them: "25, 50, 100", not "[25, 50, 100]". */
    public static String values(int... v) {
        return java.util.Arrays.stream(v).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(", "));
    }
}
