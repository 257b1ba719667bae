package seqlab.model;

import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/** A {@link Seq2Seq} decoder between steps: the encoded sources and the recurrent state of each row. */
final class Seq2SeqDecoding implements TranslationModel.Decoding {

    private final Seq2Seq model;
    private final Seq2Seq.Memory memory;
    private Seq2Seq.State state;
    private final boolean weights;          // whether a step returns its alignment

    Seq2SeqDecoding(Seq2Seq model, Seq2Seq.Memory memory, Seq2Seq.State state, boolean weights) {
        this.model = model;
        this.memory = memory;
        this.state = state;
        this.weights = weights;
    }

    @Override
    public Step step(int[] tokens, Rng rng) {
        Seq2Seq.Step s = model.step(memory, state, tokens, rng);
        state = s.state();
        return new Step(s.logits(), !weights || s.weights() == null ? null : s.weights().data());
    }

    @Override
    public TranslationModel.Decoding rows(int[] rows) {
        Seq2Seq.Memory m = memory;
        Seq2Seq.Memory picked = new Seq2Seq.Memory(Rows.of(m.states(), 0, rows), m.prepared() == null ? null : Rows.of(m.prepared(), 0, rows),
                m.mask().rows(rows), m.context() == null ? null : Rows.of(m.context(), 0, rows), m.decoderWeights());
        Seq2Seq.State s = state;
        return new Seq2SeqDecoding(model, picked, new Seq2Seq.State(Rows.of(s.h(), 1, rows), s.c() == null ? null : Rows.of(s.c(), 1, rows),
                s.feed() == null ? null : Rows.of(s.feed(), 0, rows)), weights);
    }

    @Override
    public int sourceLength() {
        return memory.length();
    }

    @Override
    public int heads() {
        return 1;
    }
}
