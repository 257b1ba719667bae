package seqlab.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import seqlab.io.FormatException;
import seqlab.io.Safetensors;
import seqlab.nn.Module;
import seqlab.nn.Parameter;

/**
 * A module's parameters as safetensors entries under their PyTorch names, and back, with
 * PyTorch's {@code load_state_dict} checks: every missing key, unexpected key and size mismatch is
 * reported. A tied tensor is written under each of its names (so PyTorch's strict
 * {@code load_state_dict} accepts the file) and may be read from either.
 */
public final class StateDict {

    private StateDict() {}

    public static Map<String, Safetensors.Entry> entries(Module m) {
        Map<String, Safetensors.Entry> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            out.put(e.getKey(), Safetensors.Entry.f32(e.getValue().data(), e.getValue().shape()));
        }
        return out;
    }

    /**
     * The tensors a module is loaded from, under the module's names and in its layouts: a file as
     * it is ({@link #of}), or an architecture's view of another layout ({@code model/hf}).
     */
    public interface Source {

        /** Where the tensors come from, for messages. */
        java.nio.file.Path path();

        /** The names offered, in the module's naming. */
        Set<String> names();

        /** A name's shape in the module's layout. */
        long[] shape(String name);

        /** How a name is called in the file, with its stored shape when that differs (for messages). */
        String describe(String name);

        boolean isFloat(String name);

        String dtype(String name);

        /** A tensor's values as float32, in the module's layout. */
        float[] floats(String name);
    }

    /** A safetensors file as it is: its names, shapes and values. */
    public static Source of(Safetensors.File f) {
        return new Source() {
            @Override
            public java.nio.file.Path path() {
                return f.path();
            }

            @Override
            public Set<String> names() {
                return f.tensors().keySet();
            }

            @Override
            public long[] shape(String name) {
                return f.info(name).shape();
            }

            @Override
            public String describe(String name) {
                return name;
            }

            @Override
            public boolean isFloat(String name) {
                return f.info(name).dtype().isFloat();
            }

            @Override
            public String dtype(String name) {
                return String.valueOf(f.info(name).dtype());
            }

            @Override
            public float[] floats(String name) {
                return f.floats(name);
            }
        };
    }

    /**
     * Copies the file's tensors into the module's parameters (converting F16/BF16/F64 to F32).
     * Returns warnings (non-finite values); throws {@link FormatException} listing every problem.
     */
    public static List<String> load(Module m, Safetensors.File f) {
        return load(m, of(f));
    }

    /** {@link #load(Module, Safetensors.File)} from any source of tensors. */
    public static List<String> load(Module m, Source f) {
        Map<String, Parameter> named = m.namedParameters();
        Map<Parameter, List<String>> names = new IdentityHashMap<>();
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            names.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        }
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> unexpected = new LinkedHashSet<>(f.names());
        unexpected.removeAll(named.keySet());
        Map<Parameter, String> source = new java.util.LinkedHashMap<>();
        for (Parameter p : m.parameters()) {                                   // registration order: messages list keys as the model does
            Map.Entry<Parameter, List<String>> e = Map.entry(p, names.get(p));
            List<String> present = e.getValue().stream().filter(f.names()::contains).toList();
            if (present.isEmpty()) {
                missing.addAll(e.getValue());
                continue;
            }
            for (String key : present) {
                int[] want = e.getKey().shape();
                long[] got = f.shape(key);
                if (!Arrays.equals(toLong(want), got)) {
                    problems.add("size mismatch for " + f.describe(key) + ": copying a param with shape " + Arrays.toString(got)
                            + " from checkpoint, the shape in current model is " + Arrays.toString(want));
                } else if (!f.isFloat(key)) {
                    problems.add(f.describe(key) + " has dtype " + f.dtype(key) + ", expected F32, F16, BF16 or F64");
                }
            }
            source.put(e.getKey(), present.get(0));
        }
        if (!missing.isEmpty()) {
            problems.add(0, "Missing key(s): " + String.join(", ", missing));
        }
        if (!unexpected.isEmpty()) {
            problems.add("Unexpected key(s): " + String.join(", ", unexpected.stream().map(f::describe).toList()));
        }
        if (!problems.isEmpty()) {
            throw new FormatException(f.path() + ": does not fit the model: " + String.join("; ", problems)
                    + "; check that config.json describes these weights");
        }
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<Parameter, String> e : source.entrySet()) {
            float[] data = f.floats(e.getValue());
            for (String other : names.get(e.getKey())) {
                if (!other.equals(e.getValue()) && f.names().contains(other) && !Arrays.equals(data, f.floats(other))) {
                    throw new FormatException(f.path() + ": " + f.describe(e.getValue()) + " and " + f.describe(other)
                            + " are tied in this model but differ in the file; save them equal or untie the weights in config.json");
                }
            }
            int bad = 0;
            for (float v : data) {
                if (!Float.isFinite(v)) {
                    bad++;
                }
            }
            if (bad > 0) {
                warnings.add(f.describe(e.getValue()) + " has " + bad + " non-finite value(s) (NaN or infinity)");
            }
            System.arraycopy(data, 0, e.getKey().data(), 0, data.length);
        }
        return warnings;
    }

    private static long[] toLong(int[] s) {
        long[] out = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i];
        }
        return out;
    }
}
