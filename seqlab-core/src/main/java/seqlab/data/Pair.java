package seqlab.data;

/** One translation example: a source text and its target text. */
public record Pair(String source, String target) {

    public Pair {
        if (source == null || target == null) {
            throw new IllegalArgumentException("a pair needs a source and a target");
        }
    }
}
