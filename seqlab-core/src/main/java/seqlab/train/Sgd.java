package seqlab.train;

import java.util.List;
import java.util.Map;

import seqlab.nn.Parameter;

/**
 * Stochastic gradient descent with momentum, as PyTorch's {@code torch.optim.SGD} (dampening 0,
 * no Nesterov): g ← g + λθ; b ← g on the first step, else b ← μ·b + g; θ ← θ − lr·b.
 */
public final class Sgd extends Optimizer {

    private final float momentum;
    private final List<float[]> buf;

    public Sgd(List<Parameter> params, float momentum, float weightDecay, boolean decayMatricesOnly) {
        super(params, weightDecay, decayMatricesOnly);
        if (!(momentum >= 0)) {
            throw new IllegalArgumentException("Invalid momentum value: " + momentum);
        }
        this.momentum = momentum;
        this.buf = zerosLikeParams();
    }

    @Override
    public void step(float lr) {
        boolean first = steps == 0;
        steps++;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            float[] g = p.tensor().gradOrNull();
            if (g == null) {
                continue;
            }
            float[] w = p.data();
            float[] b = buf.get(k);
            float wd = decay(k);
            for (int i = 0; i < w.length; i++) {
                float d = wd != 0f ? g[i] + wd * w[i] : g[i];
                if (momentum != 0f) {
                    b[i] = first ? d : b[i] * momentum + d;
                    d = b[i];
                }
                w[i] += -lr * d;
            }
        }
    }

    @Override
    public Map<String, float[]> state() {
        return named("momentum_buffer", buf, newState());
    }
}
