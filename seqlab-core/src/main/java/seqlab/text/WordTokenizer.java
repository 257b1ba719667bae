package seqlab.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Word-level tokens: text is split at whitespace and around punctuation (a word is letters and
 * digits with inner apostrophes; every other non-space character is a token of its own); each line
 * end is the token {@code <eos>} (as in the PTB / WikiText word-level convention). The vocabulary
 * is {@code <unk>}, {@code <eos>}, then the words seen at least {@code minFreq} times, most frequent
 * first (ties in first-seen order). Unknown words encode as {@code <unk>} and are counted.
 */
public final class WordTokenizer implements Tokenizer {

    public static final String UNK = "<unk>";
    public static final String EOS = "<eos>";
    private static final Pattern TOKEN = Pattern.compile("<unk>|<eos>|[\\p{L}\\p{N}]+(?:'[\\p{L}\\p{N}]+)*|[^\\s\\p{L}\\p{N}]");

    private final List<String> vocab;
    private final boolean lowercase;
    private final Map<String, Integer> ids = new HashMap<>();
    private long unknownCount;

    public WordTokenizer(List<String> vocab, boolean lowercase) {
        if (vocab.size() < 2 || !vocab.get(0).equals(UNK) || !vocab.get(1).equals(EOS)) {
            throw new IllegalArgumentException("word vocabulary must start with \"" + UNK + "\", \"" + EOS + "\"");
        }
        this.vocab = List.copyOf(vocab);
        this.lowercase = lowercase;
        for (int i = 0; i < vocab.size(); i++) {
            if (ids.put(vocab.get(i), i) != null) {
                throw new IllegalArgumentException("word vocabulary has \"" + vocab.get(i) + "\" twice");
            }
        }
    }

    /** Splits a text into word tokens, with {@code <eos>} at each newline. */
    public static List<String> split(String text, boolean lowercase) {
        List<String> out = new ArrayList<>();
        int lineStart = 0;
        for (int nl = text.indexOf('\n'); ; nl = text.indexOf('\n', lineStart)) {
            String line = nl < 0 ? text.substring(lineStart) : text.substring(lineStart, nl);
            Matcher m = TOKEN.matcher(lowercase ? line.toLowerCase(java.util.Locale.ROOT) : line);
            while (m.find()) {
                out.add(m.group());
            }
            if (nl < 0) {
                break;
            }
            out.add(EOS);
            lineStart = nl + 1;
        }
        return out;
    }

    /** Vocabulary from a training text: words with frequency ≥ minFreq, at most maxSize in all. */
    public static WordTokenizer fit(String text, int minFreq, int maxSize, boolean lowercase) {
        if (minFreq < 1) {
            throw new IllegalArgumentException("minimum word frequency must be >= 1, got " + minFreq);
        }
        Map<String, Integer> freq = new LinkedHashMap<>();
        for (String w : split(text, lowercase)) {
            if (!w.equals(EOS) && !w.equals(UNK)) {
                freq.merge(w, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(freq.entrySet());
        entries.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));   // stable: first-seen order on ties
        List<String> v = new ArrayList<>(List.of(UNK, EOS));
        for (Map.Entry<String, Integer> e : entries) {
            if (e.getValue() >= minFreq && v.size() < maxSize) {
                v.add(e.getKey());
            }
        }
        return new WordTokenizer(v, lowercase);
    }

    @Override
    public int[] encode(String text) {
        List<String> words = split(text, lowercase);
        int[] out = new int[words.size()];
        for (int i = 0; i < out.length; i++) {
            Integer id = ids.get(words.get(i));
            if (id == null) {
                unknownCount++;
                id = 0;
            }
            out[i] = id;
        }
        return out;
    }

    @Override
    public List<String> unknownWords(String text) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (String w : split(text, lowercase)) {
            if (!ids.containsKey(w)) {
                out.add(w);
            }
        }
        return List.copyOf(out);
    }

    /** How many words {@link #encode} has mapped to {@code <unk>} so far. */
    public long unknownCount() {
        return unknownCount;
    }

    @Override
    public String decode(int[] tokens) {
        Tokenizer.checkIds(tokens, vocab.size());
        StringBuilder b = new StringBuilder();
        boolean lineStart = true;
        for (int t : tokens) {
            String w = vocab.get(t);
            if (w.equals(EOS)) {
                b.append('\n');
                lineStart = true;
                continue;
            }
            if (!lineStart) {
                b.append(' ');
            }
            b.append(w);
            lineStart = false;
        }
        return b.toString();
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public String type() {
        return "word";
    }

    @Override
    public List<String> vocab() {
        return vocab;
    }

    public boolean lowercase() {
        return lowercase;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type());
        m.put("lowercase", lowercase);
        m.put("unk_token", UNK);
        m.put("eos_token", EOS);
        m.put("vocab", new ArrayList<Object>(vocab));
        return m;
    }
}
