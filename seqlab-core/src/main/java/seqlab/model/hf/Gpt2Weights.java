package seqlab.model.hf;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import seqlab.io.FormatException;
import seqlab.io.Safetensors;
import seqlab.model.StateDict;
import seqlab.nn.Module;
import seqlab.nn.Parameter;

/**
 * GPT-2's weights as Hugging Face stores them, to and from a {@link seqlab.model.Gpt}'s parameters.
 * The names are {@code GPT2LMHeadModel}'s: {@code transformer.wte.weight}, {@code transformer.h.{i}.…},
 * {@code lm_head.weight}; the hub's checkpoints (saved from {@code GPT2Model}) have no
 * {@code transformer.} prefix, and either is read. The four Conv1D weights of a block,
 * {@code attn.c_attn}, {@code attn.c_proj}, {@code mlp.c_fc}, {@code mlp.c_proj}, are stored
 * [in, out] (y = x·W + b) where the model keeps Linear's [out, in]: they are transposed on the way in
 * and out. The buffers of older checkpoints, {@code h.{i}.attn.bias} (the causal mask) and
 * {@code h.{i}.attn.masked_bias}, are ignored. A tied {@code lm_head.weight} is not written (as
 * {@code save_pretrained} leaves it out) and, when read, must equal {@code wte.weight}.
 */
public final class Gpt2Weights {

    private static final String PREFIX = "transformer.";
    private static final String HEAD = "lm_head.weight";
    private static final Pattern CONV1D = Pattern.compile("transformer\\.h\\.\\d+\\.(attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj)\\.weight");
    private static final Pattern BUFFER = Pattern.compile("transformer\\.h\\.\\d+\\.attn\\.(bias|masked_bias)");

    private Gpt2Weights() {}

    /** The model's parameters as {@code save_pretrained} writes them: Conv1D weights [in, out], a tied head left out. */
    public static Map<String, Safetensors.Entry> entries(Module model) {
        Map<String, Parameter> named = model.namedParameters();
        Map<String, Safetensors.Entry> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            Parameter p = e.getValue();
            if (e.getKey().equals(HEAD) && p == named.get(PREFIX + "wte.weight")) {
                continue;
            }
            int[] s = p.shape();
            out.put(e.getKey(), CONV1D.matcher(e.getKey()).matches()
                    ? Safetensors.Entry.f32(transpose(p.data(), s[0], s[1]), s[1], s[0])
                    : Safetensors.Entry.f32(p.data(), s));
        }
        return out;
    }

    /** A Hugging Face GPT-2 file seen under the model's names and layouts. */
    public static StateDict.Source source(Safetensors.File f) {
        Map<String, String> stored = new LinkedHashMap<>();               // the model's name → the file's
        for (String name : f.tensors().keySet()) {
            String ours = name.equals(HEAD) || name.startsWith(PREFIX) ? name : PREFIX + name;
            if (BUFFER.matcher(ours).matches()) {
                continue;
            }
            String before = stored.put(ours, name);
            if (before != null) {
                throw new FormatException(f.path() + ": holds both " + before + " and " + name + ", one tensor under two names; "
                        + "keep one of them");
            }
        }
        return new StateDict.Source() {
            @Override
            public Path path() {
                return f.path();
            }

            @Override
            public Set<String> names() {
                return stored.keySet();
            }

            @Override
            public long[] shape(String name) {
                long[] s = f.info(stored.get(name)).shape();
                return conv1d(name) && s.length == 2 ? new long[] {s[1], s[0]} : s;
            }

            @Override
            public String describe(String name) {
                String file = stored.getOrDefault(name, name);
                return conv1d(name) ? file + " (Conv1D, stored [in, out] as " + java.util.Arrays.toString(f.info(file).shape()) + ")" : file;
            }

            @Override
            public boolean isFloat(String name) {
                return f.info(stored.get(name)).dtype().isFloat();
            }

            @Override
            public String dtype(String name) {
                return String.valueOf(f.info(stored.get(name)).dtype());
            }

            @Override
            public float[] floats(String name) {
                float[] v = f.floats(stored.get(name));
                if (!conv1d(name)) {
                    return v;
                }
                long[] s = f.info(stored.get(name)).shape();
                return transpose(v, (int) s[0], (int) s[1]);
            }
        };
    }

    private static boolean conv1d(String name) {
        return CONV1D.matcher(name).matches();
    }

    /** a (r, c) → aᵀ (c, r). */
    private static float[] transpose(float[] a, int r, int c) {
        float[] t = new float[a.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t[j * r + i] = a[i * c + j];
            }
        }
        return t;
    }
}
