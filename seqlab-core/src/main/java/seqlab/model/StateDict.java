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
     * Copies the file's tensors into the module's parameters (converting F16/BF16/F64 to F32).
     * Returns warnings (non-finite values); throws {@link FormatException} listing every problem.
     */
    public static List<String> load(Module m, Safetensors.File f) {
        Map<String, Parameter> named = m.namedParameters();
        Map<Parameter, List<String>> names = new IdentityHashMap<>();
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            names.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        }
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> unexpected = new LinkedHashSet<>(f.tensors().keySet());
        unexpected.removeAll(named.keySet());
        Map<Parameter, String> source = new IdentityHashMap<>();
        for (Map.Entry<Parameter, List<String>> e : names.entrySet()) {
            List<String> present = e.getValue().stream().filter(f.tensors()::containsKey).toList();
            if (present.isEmpty()) {
                missing.addAll(e.getValue());
                continue;
            }
            for (String key : present) {
                int[] want = e.getKey().shape();
                long[] got = f.info(key).shape();
                if (!Arrays.equals(toLong(want), got)) {
                    problems.add("size mismatch for " + key + ": copying a param with shape " + Arrays.toString(got)
                            + " from checkpoint, the shape in current model is " + Arrays.toString(want));
                } else if (!f.info(key).dtype().isFloat()) {
                    problems.add(key + " has dtype " + f.info(key).dtype() + ", expected F32, F16, BF16 or F64");
                }
            }
            source.put(e.getKey(), present.get(0));
        }
        if (!missing.isEmpty()) {
            problems.add(0, "Missing key(s): " + String.join(", ", missing));
        }
        if (!unexpected.isEmpty()) {
            problems.add("Unexpected key(s): " + String.join(", ", unexpected));
        }
        if (!problems.isEmpty()) {
            throw new FormatException(f.path() + ": does not fit the model: " + String.join("; ", problems)
                    + "; check that config.json describes these weights");
        }
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<Parameter, String> e : source.entrySet()) {
            float[] data = f.floats(e.getValue());
            for (String other : names.get(e.getKey())) {
                if (!other.equals(e.getValue()) && f.tensors().containsKey(other) && !Arrays.equals(data, f.floats(other))) {
                    throw new FormatException(f.path() + ": " + e.getValue() + " and " + other
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
                warnings.add(e.getValue() + " has " + bad + " non-finite value(s) (NaN or infinity)");
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
