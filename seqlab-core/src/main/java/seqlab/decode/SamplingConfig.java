package seqlab.decode;

/**
 * How the next token is chosen from logits z: greedy (argmax), or sampled from
 * softmax(z / temperature) restricted to the k most likely tokens (topK > 0), then to the smallest set
 * of those whose probability, renormalised over them, reaches topP (topP < 1), as Hugging Face's
 * warpers chain ({@link Sampler}). Temperature 0 means greedy. A repetition penalty θ
 * &gt; 1 (Keskar et al., 2019, as Hugging Face applies it) first divides the positive logits of tokens
 * already in the sequence by θ and multiplies their negative ones by θ; 1 is off.
 */
public record SamplingConfig(float temperature, int topK, float topP, float repetitionPenalty) {

    public SamplingConfig(float temperature, int topK, float topP) {
        this(temperature, topK, topP, 1f);
    }

    public SamplingConfig {
        if (!(temperature >= 0) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0) || !Float.isFinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition penalty must be > 0 (1 = off), got " + repetitionPenalty);
        }
    }

    public static SamplingConfig greedy() {
        return new SamplingConfig(0f, 0, 1f);
    }

    /** Logits [off, off + n) with the repetition penalty applied to the tokens {@code seen} marks, in place. */
    public void penalise(float[] logits, int off, int n, boolean[] seen) {
        if (repetitionPenalty == 1f) {
            return;
        }
        for (int i = 0; i < n; i++) {
            if (seen[i]) {
                float z = logits[off + i];
                logits[off + i] = z > 0 ? z / repetitionPenalty : z * repetitionPenalty;
            }
        }
    }

    public boolean isGreedy() {
        return temperature == 0f || topK == 1;
    }
}
