package seqlab.model;

/**
 * What a model can do, so that a command asks for it instead of naming an architecture; which
 * architecture does what is decided in {@link ModelDirectory#capability} alone.
 */
public enum Capability {
    /** Continues a sequence of tokens (a language model): generate, a text's loss. */
    GENERATES,
    /** Turns a source sequence into a target one (an encoder–decoder): translate, BLEU. */
    TRANSLATES
}
