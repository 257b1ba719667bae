package seqlab.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import seqlab.io.FormatException;
import seqlab.io.JsonFields;

/**
 * The tokenizer of a translation model: one way to split text ({@code words}: lower-cased words and
 * single punctuation marks; {@code chars}: every character, for the built-in tasks) and a
 * {@link Vocabulary} per language. Saved as {@code tokenizer.json} with
 * {@code "type": "pair"}.
 */
public final class PairTokenizer {

    /** How a sentence becomes tokens. */
    public enum Split {
        WORDS("words"), CHARS("chars");

        private final String id;

        Split(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Split fromId(String id) {
            for (Split s : values()) {
                if (s.id.equals(id)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown split '" + id + "'; expected words or chars");
        }
    }

    private final Split split;
    private final Vocabulary source;
    private final Vocabulary target;

    public PairTokenizer(Split split, Vocabulary source, Vocabulary target) {
        this.split = split;
        this.source = source;
        this.target = target;
    }

    /** Vocabularies of the words seen at least {@code minFreq} times in the training sentences. */
    public static PairTokenizer fit(Split split, List<String> sources, List<String> targets, int minFreq) {
        Function<List<String>, List<List<String>>> tokenize = l -> l.stream().map(s -> tokens(split, s)).toList();
        return new PairTokenizer(split, Vocabulary.fit(tokenize.apply(sources), minFreq),
                Vocabulary.fit(tokenize.apply(targets), minFreq));
    }

    public static List<String> tokens(Split split, String text) {
        if (split == Split.WORDS) {
            return WordTokenizer.split(text.replace('\n', ' '), true);
        }
        List<String> out = new ArrayList<>();
        text.codePoints().forEach(cp -> out.add(Character.toString(cp)));
        return out;
    }

    public List<String> tokens(String text) {
        return tokens(split, text);
    }

    /** Source ids ending in {@code <eos>}; unknown tokens become {@code <unk>} (see {@link Vocabulary#unknownCount}). */
    public int[] encodeSource(String text) {
        return source.encode(tokens(text), true);
    }

    public int[] encodeTarget(String text) {
        return target.encode(tokens(text), true);
    }

    /** The target tokens of ids, up to {@code <eos>}. */
    public List<String> decodeTarget(int[] ids) {
        return target.decode(ids);
    }

    /** Target tokens joined as text: with spaces between words, without for characters. */
    public String join(List<String> tokens) {
        return String.join(split == Split.WORDS ? " " : "", tokens);
    }

    public Split split() {
        return split;
    }

    public Vocabulary source() {
        return source;
    }

    public Vocabulary target() {
        return target;
    }

    /** One line for {@code seqlab info}: "pair of words, 7,883 source / 5,948 target tokens". */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "pair of %s, %,d source / %,d target tokens", split.id(), source.size(), target.size());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "pair");
        m.put("split", split.id());
        m.put("source_vocab", new ArrayList<Object>(source.words()));
        m.put("target_vocab", new ArrayList<Object>(target.words()));
        return m;
    }

    public static PairTokenizer fromJson(JsonFields j) {
        String type = j.string("type");
        if (!type.equals("pair")) {
            throw new FormatException(j.where() + ": field \"type\" is \"" + type + "\", expected \"pair\" for a translation model");
        }
        try {
            return new PairTokenizer(Split.fromId(j.string("split")), new Vocabulary(Tokenizers.strings(j, "source_vocab")),
                    new Vocabulary(Tokenizers.strings(j, "target_vocab")));
        } catch (FormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FormatException(j.where() + ": " + e.getMessage());
        }
    }
}
