package seqlab.text;

/**
 * Text of ids that arrive one at a time (streamed generation): each id gives the text it
 * completes; {@link #end} gives what is left when no more ids come.
 */
public interface StreamingDecoder {

    /** The text id completes (possibly empty: the bytes of a character split over tokens wait for the rest). */
    String next(int id);

    /** What is still pending at the end, shown as it would be decoded (an incomplete character as U+FFFD). */
    default String end() {
        return "";
    }
}
