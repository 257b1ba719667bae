package seqlab.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Character-level tokens (nanoGPT's shakespeare_char, char-rnn): the vocabulary is the sorted set
 * of Unicode code points in the training text. There is no {@code <unk>}: encoding a text with a
 * character outside the vocabulary fails and names it, its position and how to fix it.
 */
public final class CharTokenizer implements Tokenizer {

    private final List<String> vocab;
    private final Map<Integer, Integer> ids = new LinkedHashMap<>();

    public CharTokenizer(List<String> vocab) {
        if (vocab.isEmpty()) {
            throw new IllegalArgumentException("character vocabulary is empty");
        }
        this.vocab = List.copyOf(vocab);
        for (int i = 0; i < vocab.size(); i++) {
            String s = vocab.get(i);
            if (s.codePointCount(0, s.length()) != 1) {
                throw new IllegalArgumentException("character vocabulary entry " + i + " is not one character: \"" + s + "\"");
            }
            if (ids.put(s.codePointAt(0), i) != null) {
                throw new IllegalArgumentException("character vocabulary has \"" + Text.escape(s) + "\" twice");
            }
        }
    }

    /** The sorted distinct code points of {@code text}. */
    public static CharTokenizer fit(String text) {
        TreeSet<Integer> set = new TreeSet<>();
        text.codePoints().forEach(set::add);
        List<String> v = new ArrayList<>();
        for (int cp : set) {
            v.add(new String(Character.toChars(cp)));
        }
        return new CharTokenizer(v);
    }

    @Override
    public int[] encode(String text) {
        int[] out = new int[text.codePointCount(0, text.length())];
        int i = 0;
        for (int off = 0; off < text.length(); ) {
            int cp = text.codePointAt(off);
            Integer id = ids.get(cp);
            if (id == null) {
                throw new IllegalArgumentException("character '" + Text.escape(new String(Character.toChars(cp)))
                        + "' (U+" + String.format("%04X", cp) + ") at position " + i
                        + " is not in the model's vocabulary of " + vocab.size() + " characters; remove it or use only characters seen in training");
            }
            out[i++] = id;
            off += Character.charCount(cp);
        }
        return out;
    }

    /** Whether every character of {@code text} is in the vocabulary. */
    public boolean covers(String text) {
        return text.codePoints().allMatch(ids::containsKey);
    }

    @Override
    public String decode(int[] tokens) {
        Tokenizer.checkIds(tokens, vocab.size());
        StringBuilder b = new StringBuilder();
        for (int t : tokens) {
            b.append(vocab.get(t));
        }
        return b.toString();
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public String type() {
        return "char";
    }

    @Override
    public List<String> vocab() {
        return vocab;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type());
        m.put("vocab", new ArrayList<Object>(vocab));
        return m;
    }
}
