package seqlab.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A word vocabulary for sequence-to-sequence models, with the four special tokens at fixed ids:
 * {@code <pad>} = 0, {@code <unk>} = 1, {@code <bos>} = 2, {@code <eos>} = 3, then the words seen at
 * least {@code minFreq} times, most frequent first (ties in first-seen order). Unknown words map
 * to {@code <unk>} and are counted.
 */
public final class Vocabulary {

    public static final int PAD = 0;
    public static final int UNK = 1;
    public static final int BOS = 2;
    public static final int EOS = 3;
    public static final List<String> SPECIALS = List.of("<pad>", "<unk>", "<bos>", "<eos>");

    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();
    private long unknown;

    public Vocabulary(List<String> words) {
        if (words.size() < 4 || !words.subList(0, 4).equals(SPECIALS)) {
            throw new IllegalArgumentException("a vocabulary starts with " + SPECIALS);
        }
        this.words = List.copyOf(words);
        for (int i = 0; i < words.size(); i++) {
            if (ids.put(words.get(i), i) != null) {
                throw new IllegalArgumentException("vocabulary has \"" + words.get(i) + "\" twice");
            }
        }
    }

    /** From tokenized sentences. */
    public static Vocabulary fit(List<List<String>> sentences, int minFreq) {
        if (minFreq < 1) {
            throw new IllegalArgumentException("minimum word frequency must be >= 1, got " + minFreq);
        }
        Map<String, Integer> freq = new LinkedHashMap<>();
        for (List<String> s : sentences) {
            for (String w : s) {
                if (!SPECIALS.contains(w)) {
                    freq.merge(w, 1, Integer::sum);
                }
            }
        }
        List<Map.Entry<String, Integer>> e = new ArrayList<>(freq.entrySet());
        e.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
        List<String> w = new ArrayList<>(SPECIALS);
        for (Map.Entry<String, Integer> x : e) {
            if (x.getValue() >= minFreq) {
                w.add(x.getKey());
            }
        }
        return new Vocabulary(w);
    }

    /** Ids of the tokens, unknown ones as {@link #UNK}; with {@code <eos>} appended if asked. */
    public int[] encode(List<String> tokens, boolean appendEos) {
        int[] out = new int[tokens.size() + (appendEos ? 1 : 0)];
        for (int i = 0; i < tokens.size(); i++) {
            Integer id = ids.get(tokens.get(i));
            if (id == null) {
                unknown++;
                id = UNK;
            }
            out[i] = id;
        }
        if (appendEos) {
            out[tokens.size()] = EOS;
        }
        return out;
    }

    /** The words of ids up to the first {@code <eos>}, without {@code <pad>} and {@code <bos>}. */
    public List<String> decode(int[] ids) {
        Tokenizer.checkIds(ids, words.size());
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            if (id == EOS) {
                break;
            }
            if (id != PAD && id != BOS) {
                out.add(words.get(id));
            }
        }
        return out;
    }

    public boolean contains(String word) {
        return ids.containsKey(word);
    }

    public int size() {
        return words.size();
    }

    public List<String> words() {
        return words;
    }

    /** Words encoded as {@code <unk>} so far. */
    public long unknownCount() {
        return unknown;
    }
}
