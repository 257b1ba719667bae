package seqlab.decode;

import java.util.List;

/**
 * A model that extends hypotheses one token at a time (a seq2seq decoder, a language model):
 * given the states of n hypotheses and the last token of each, it gives the log-probabilities
 * of the next token (n, V) and the states after that token.
 *
 * @param <S> the per-hypothesis state (e.g. a decoder's hidden state); treated as immutable
 */
public interface StepDecoder<S> {

    /** The result of one step for n hypotheses. */
    record Step<S>(float[] logProbs, List<S> states) {}

    Step<S> step(List<S> states, int[] lastTokens);

    int vocabSize();
}
