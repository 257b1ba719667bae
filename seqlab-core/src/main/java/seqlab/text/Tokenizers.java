package seqlab.text;

import java.util.ArrayList;
import java.util.List;

import seqlab.io.FormatException;
import seqlab.io.JsonFields;

/** Reads a tokenizer back from its {@code tokenizer.json}. */
public final class Tokenizers {

    private Tokenizers() {}

    /** seqlab's own {@code tokenizer.json} (char, word), or Hugging Face's for a byte-level BPE (it has a "model"). */
    public static Tokenizer fromJson(JsonFields j) {
        if (j.has("model") && !j.has("type")) {
            return ByteLevelBpe.fromHuggingFace(j);
        }
        String type = j.string("type");
        List<String> vocab = strings(j, "vocab");
        try {
            return switch (type) {
                case "char" -> new CharTokenizer(vocab);
                case "word" -> new WordTokenizer(vocab, j.bool("lowercase", false));
                default -> throw new FormatException(j.where() + ": field \"type\" is \"" + type + "\", expected \"char\" or \"word\"");
            };
        } catch (FormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FormatException(j.where() + ": " + e.getMessage());
        }
    }

    /** A JSON list of strings (a vocabulary), with an error naming the first entry that is not one. */
    static List<String> strings(JsonFields j, String key) {
        List<String> out = new ArrayList<>();
        List<Object> raw = j.list(key);
        for (int i = 0; i < raw.size(); i++) {
            if (!(raw.get(i) instanceof String s)) {
                throw new FormatException(j.where() + ": " + key + " entry " + i + " must be a string, got " + raw.get(i));
            }
            out.add(s);
        }
        return out;
    }
}
