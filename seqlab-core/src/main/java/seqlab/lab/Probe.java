package seqlab.lab;

import java.util.List;
import java.util.function.Supplier;

import seqlab.nn.Parameter;
import seqlab.tensor.Tensor;

/** What the memory experiments ask of a model: inputs from tokens or features, outputs at every position or at the last. */
interface Probe {

    /** Inputs (B, T, ·): embedded token ids (B·T), or the given features (B·T·I). */
    Tensor inputs(int[] tokens, float[] features, int batch, int time);

    /** Head outputs at every position (B, T, K). */
    Tensor everyStep(Tensor x);

    /** Head output after the whole sequence (B, K). */
    Tensor lastStep(Tensor x);

    List<Parameter> parameters();

    long parameterCount();

    <T> T inference(Supplier<T> body);
}
