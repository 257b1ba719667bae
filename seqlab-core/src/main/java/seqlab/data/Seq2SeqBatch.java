package seqlab.data;

import seqlab.kernel.AttentionMask;

/**
 * A padded batch of translation pairs, row-major.
 *
 * @param source        (B, S) source ids, {@code <pad>} after each sentence's {@code <eos>}
 * @param sourceLengths (B) tokens per source, {@code <eos>} included
 * @param targetIn      (B, T) decoder inputs: {@code <bos>} then the target (teacher forcing)
 * @param targetOut     (B, T) what each step must predict: the target then {@code <eos>};
 *                      {@link #IGNORE} at padding so the loss skips it
 */
public record Seq2SeqBatch(int[] source, int[] sourceLengths, int[] targetIn, int[] targetOut,
                           int batch, int sourceLen, int targetLen) {

    /** The cross-entropy ignore index (PyTorch's default). */
    public static final int IGNORE = -100;

    /** What attention over the source may see: each row's real tokens, not its padding. */
    public AttentionMask sourceMask() {
        return AttentionMask.padding(sourceLengths);
    }
}
