package seqlab.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or model: named parameters and named child modules, registered in order, so that
 * {@link #namedParameters()} gives exactly PyTorch's {@code state_dict()} keys and order.
 */
public abstract class Module {

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    protected Parameter parameter(String name, int... shape) {
        Parameter p = new Parameter(shape);
        if (parameters.putIfAbsent(name, p) != null) {
            throw new IllegalStateException("parameter '" + name + "' registered twice");
        }
        return p;
    }

    /** Registers an existing parameter under another name as well (weight tying). */
    protected void alias(String name, Parameter p) {
        parameters.put(name, p);
    }

    protected <M extends Module> M child(String name, M module) {
        if (children.putIfAbsent(name, module) != null) {
            throw new IllegalStateException("child '" + name + "' registered twice");
        }
        return module;
    }

    /** Every parameter under its dotted PyTorch name, in registration order (aliases included). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out);
        }
    }

    /** The distinct parameters (a tied tensor once), in registration order. */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        distinct(java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), out);
        return out;
    }

    /** The order of {@link #namedParameters()} without building its names (inference calls this every step). */
    private void distinct(java.util.Set<Parameter> seen, List<Parameter> out) {
        for (Parameter p : parameters.values()) {
            if (seen.add(p)) {
                out.add(p);
            }
        }
        for (Module m : children.values()) {
            m.distinct(seen, out);
        }
    }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.size();
        }
        return n;
    }

    public boolean training() {
        return training;
    }

    /** Training mode (dropout active) or evaluation mode, for this module and its children. */
    public void train(boolean on) {
        training = on;
        for (Module m : children.values()) {
            m.train(on);
        }
    }

    public void zeroGrad() {
        for (Parameter p : parameters()) {
            p.tensor().zeroGrad();
        }
    }

    /**
     * Runs {@code body} in inference mode: evaluation mode (no dropout) and no gradients recorded;
     * the training mode is restored afterwards and gradients switched back on.
     */
    public <T> T inference(java.util.function.Supplier<T> body) {
        boolean was = training;
        train(false);
        requiresGrad(false);
        try {
            return body.get();
        } finally {
            requiresGrad(true);
            train(was);
        }
    }

    /** Copies every parameter's values from a module of the same structure (same names and shapes). */
    public void copyFrom(Module other) {
        Map<String, Parameter> from = other.namedParameters();
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            Parameter p = from.get(e.getKey());
            if (p == null || !java.util.Arrays.equals(p.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("copyFrom: no parameter " + e.getKey() + " of shape "
                        + java.util.Arrays.toString(e.getValue().shape()) + " in the other module");
            }
            System.arraycopy(p.data(), 0, e.getValue().data(), 0, p.size());
        }
    }

    /** Turns gradient collection on or off for every parameter (off for inference). */
    public void requiresGrad(boolean on) {
        for (Parameter p : parameters()) {
            p.tensor().requiresGrad(on);
        }
    }
}
