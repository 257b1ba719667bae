package seqlab.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import seqlab.nn.Parameter;

/**
 * An optimizer over a fixed list of parameters. Its state (moment buffers and step count) can
 * be saved and restored exactly, for checkpoints that resume bit for bit.
 */
public abstract class Optimizer {

    protected final List<Parameter> params;
    private final float[] decay;          // λ for parameter i: the weight decay, or 0 where it does not apply
    protected long steps;

    /**
     * @param weightDecay       λ, ≥ 0
     * @param decayMatricesOnly nanoGPT's grouping: weight decay on parameters of rank ≥ 2 (matrices
     *                          and embeddings) only, none on biases; false decays every parameter
     */
    protected Optimizer(List<Parameter> params, float weightDecay, boolean decayMatricesOnly) {
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("Invalid weight_decay value: " + weightDecay);
        }
        this.params = List.copyOf(params);
        this.decay = new float[params.size()];
        for (int i = 0; i < decay.length; i++) {
            decay[i] = !decayMatricesOnly || params.get(i).shape().length >= 2 ? weightDecay : 0f;
        }
    }

    /** The weight decay λ of parameter k (0 where it does not apply). */
    protected float decay(int k) {
        return decay[k];
    }

    /** One update with learning rate {@code lr}; parameters without a gradient are skipped. */
    public abstract void step(float lr);

    public long steps() {
        return steps;
    }

    public void zeroGrad() {
        for (Parameter p : params) {
            p.tensor().zeroGrad();
        }
    }

    /** The state buffers by name (e.g. "exp_avg.3"), for a checkpoint. */
    public abstract Map<String, float[]> state();

    /** Restores buffers saved by {@link #state()} and the step count. */
    public void load(Map<String, float[]> state, long steps) {
        Map<String, float[]> mine = state();
        if (!mine.keySet().equals(state.keySet())) {
            throw new IllegalArgumentException("optimizer state has buffers " + state.keySet() + ", expected " + mine.keySet());
        }
        for (Map.Entry<String, float[]> e : mine.entrySet()) {
            float[] src = state.get(e.getKey());
            if (src.length != e.getValue().length) {
                throw new IllegalArgumentException("optimizer buffer " + e.getKey() + " has " + src.length
                        + " values, expected " + e.getValue().length);
            }
            System.arraycopy(src, 0, e.getValue(), 0, src.length);
        }
        this.steps = steps;
    }

    protected static Map<String, float[]> named(String prefix, List<float[]> buffers, Map<String, float[]> into) {
        for (int i = 0; i < buffers.size(); i++) {
            into.put(prefix + "." + i, buffers.get(i));
        }
        return into;
    }

    protected List<float[]> zerosLikeParams() {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : params) {
            out.add(new float[p.size()]);
        }
        return out;
    }

    protected static Map<String, float[]> newState() {
        return new LinkedHashMap<>();
    }
}
