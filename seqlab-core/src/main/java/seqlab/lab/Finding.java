package seqlab.lab;

/**
 * One row of an experiment's results table.
 *
 * @param claim   what the textbooks say
 * @param setup   what was run to test it
 * @param result  what was measured
 * @param verdict confirmed, not confirmed, or partly — with the reason in one phrase
 */
public record Finding(String claim, String setup, String result, String verdict) {}
