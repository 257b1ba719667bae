package seqlab.decode;

/**
 * How the next token is chosen from logits z: greedy (argmax), or sampled from
 * softmax(z / temperature) restricted to the k most likely tokens (topK > 0) and to the smallest set
 * whose probability reaches topP (topP < 1). Temperature 0 means greedy.
 */
public record SamplingConfig(float temperature, int topK, float topP) {

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
    }

    public static SamplingConfig greedy() {
        return new SamplingConfig(0f, 0, 1f);
    }

    public boolean isGreedy() {
        return temperature == 0f || topK == 1;
    }
}
