package seqlab.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import seqlab.io.FormatException;
import seqlab.io.InputFiles;
import seqlab.io.Json;
import seqlab.io.JsonFields;

/** Reads a tokenizer back from its {@code tokenizer.json}. */
public final class Tokenizers {

    private Tokenizers() {}

    /** seqlab's own {@code tokenizer.json} (char, word), or Hugging Face's for a byte-level BPE (it has a "model"). */
    public static Tokenizer fromJson(JsonFields j) {
        if (j.has("model") && !j.has("type")) {
            return ByteLevelBpe.fromHuggingFace(j);
        }
        if (!j.map().isEmpty() && j.map().values().stream().allMatch(v -> v instanceof Json.Num n && n.isInteger())) {
            throw new FormatException(j.where() + " is a vocabulary (token -> id), half of a byte-level BPE: give the directory "
                    + "that holds it with its merges " + BPE_PAIRS);
        }
        if (!j.has("type")) {
            throw new FormatException(j.where() + " is not a tokenizer: expected Hugging Face's tokenizer.json (with \"model\") or "
                    + "seqlab's (with \"type\"); found the keys " + keys(j) + "; give such a file, or a directory holding a tokenizer");
        }
        String type = j.string("type");
        if (type.equals("pair")) {
            throw new FormatException(j.where() + ": a translation model's pair of tokenizers (source and target), not one tokenizer");
        }
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

    /**
     * A tokenizer from a file or a directory: a {@code tokenizer.json} (seqlab's, or Hugging Face's
     * for a byte-level BPE); or a directory holding one (a model directory, a Hugging Face
     * download), OpenAI's {@code encoder.json} + {@code vocab.bpe}, or Hugging Face's
     * {@code vocab.json} + {@code merges.txt}, looked for in that order.
     */
    public static Tokenizer read(Path path) {
        if (Files.isDirectory(path)) {
            Path json = path.resolve("tokenizer.json");
            if (Files.isRegularFile(json)) {
                return read(json);
            }
            for (String[] pair : new String[][] {{"encoder.json", "vocab.bpe"}, {"vocab.json", "merges.txt"}}) {
                if (Files.exists(path.resolve(pair[0])) && Files.exists(path.resolve(pair[1]))) {
                    return ByteLevelBpe.read(path.resolve(pair[0]), path.resolve(pair[1]));
                }
            }
            String[] found;
            try (Stream<Path> files = Files.list(path)) {
                found = files.map(f -> f.getFileName().toString()).sorted().limit(8).toArray(String[]::new);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new FormatException(path + " holds no tokenizer: expected tokenizer.json, encoder.json + vocab.bpe, or vocab.json + "
                    + "merges.txt; found " + (found.length == 0 ? "nothing" : String.join(", ", found)));
        }
        InputFiles.requireRegular(path, "a tokenizer.json file or a directory holding a tokenizer");
        String name = path.getFileName().toString();
        boolean mergesByName = name.equals("merges.txt") || name.endsWith(".bpe");
        String text = mergesByName ? null : Text.readUtf8(path);
        if (mergesByName || text.startsWith("#version")) {              // a merges file: by its name, or GPT-2's header
            throw new FormatException(path + " is a BPE merges file, half of a tokenizer: give the directory that holds it with its "
                    + "vocabulary " + BPE_PAIRS);
        }
        JsonFields j;
        try {
            j = Text.parseJson(text, path);
        } catch (FormatException e) {
            throw new FormatException(e.getMessage() + "; expected a tokenizer.json (Hugging Face's or seqlab's), or a directory "
                    + "holding a tokenizer");
        }
        return fromJson(j);
    }

    /** The two file pairs of a byte-level BPE, for messages. */
    private static final String BPE_PAIRS = "(vocab.json + merges.txt, or encoder.json + vocab.bpe)";

    /** The first keys of a JSON object, for messages. */
    private static String keys(JsonFields j) {
        List<String> k = j.map().keySet().stream().limit(6).toList();
        return k.isEmpty() ? "none" : String.join(", ", k) + (j.map().size() > 6 ? ", ..." : "");
    }

    /** The tokenizer of a directory ({@link #read}), or null when it holds none of the tokenizer files (a model run on ids). */
    public static Tokenizer readIfPresent(Path dir) {
        for (String f : new String[] {"tokenizer.json", "encoder.json", "vocab.bpe", "vocab.json", "merges.txt"}) {
            if (Files.exists(dir.resolve(f))) {
                return read(dir);
            }
        }
        return null;
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
