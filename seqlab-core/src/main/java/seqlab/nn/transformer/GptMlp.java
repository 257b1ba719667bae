package seqlab.nn.transformer;

import seqlab.nn.Dropout;
import seqlab.nn.Linear;
import seqlab.nn.Module;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

/**
 * GPT's position-wise feed-forward layer (GPT-2's {@code GPT2MLP}): MLP(x) = dropout(c_proj(act(c_fc(x)))),
 * inner width F (4E in GPT-2). Parameters: {@code c_fc.weight} (F, E), {@code c_fc.bias} (F),
 * {@code c_proj.weight} (E, F), {@code c_proj.bias} (E), in Linear's [out, in] layout.
 */
public final class GptMlp extends Module {

    private final Linear cFc;
    private final Linear cProj;
    private final Activation act;
    private final Dropout dropout;

    public GptMlp(int embed, int inner, Activation act, float residDropout, Rng rng) {
        this.cFc = child("c_fc", new Linear(embed, inner, true, rng));
        this.cProj = child("c_proj", new Linear(inner, embed, true, rng));
        this.act = act;
        this.dropout = child("dropout", new Dropout(residDropout));
    }

    public Linear cFc() {
        return cFc;
    }

    public Linear cProj() {
        return cProj;
    }

    /** x (…, E) → (…, E). */
    public Tensor forward(Tensor x, Rng rng) {
        return dropout.forward(cProj.forward(act.apply(cFc.forward(x))), rng);        // c_proj(act(c_fc(x)))
    }
}
