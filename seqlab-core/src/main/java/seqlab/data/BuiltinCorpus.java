package seqlab.data;

import java.util.List;

import seqlab.tensor.Rng;

/**
 * Generated corpora that need no download, for the demo and the tests.
 * <ul>
 *   <li>{@code sentences}: English-like sentences from a small probabilistic grammar (subject, verb,
 *       object, adjectives, prepositional phrases, questions), so that a character model has
 *       spelling, word order and punctuation to learn;</li>
 *   <li>{@code arithmetic}: lines "a+b=c" with a, b < 100, so that a model must carry digits.</li>
 * </ul>
 */
public final class BuiltinCorpus {

    public static final List<String> NAMES = List.of("sentences", "arithmetic");

    private static final String[] DET = {"the", "a", "every", "one", "that"};
    private static final String[] ADJ = {"small", "old", "quiet", "red", "clever", "lazy", "bright", "young", "tired", "happy"};
    private static final String[] NOUN = {"cat", "dog", "bird", "farmer", "child", "teacher", "river", "king", "horse", "sailor",
            "garden", "city", "moon", "letter", "song"};
    private static final String[] VERB_T = {"sees", "finds", "follows", "loves", "watches", "remembers", "builds", "carries", "hears"};
    private static final String[] VERB_BASE = {"see", "find", "follow", "love", "watch", "remember", "build", "carry", "hear"};
    private static final String[] VERB_I = {"sleeps", "sings", "waits", "runs", "laughs", "wanders", "listens"};
    private static final String[] PREP = {"near", "under", "behind", "beside", "across", "inside"};
    private static final String[] ADV = {"slowly", "often", "never", "quietly", "again", "today"};

    private BuiltinCorpus() {}

    /** About {@code chars} characters of the named corpus, the same for the same seed. */
    public static String generate(String name, int chars, long seed) {
        Rng rng = new Rng(seed);
        StringBuilder b = new StringBuilder(chars + 200);
        switch (name) {
            case "sentences" -> {
                while (b.length() < chars) {
                    sentence(b, rng);
                    b.append(rng.nextInt(4) == 0 ? "\n\n" : rng.nextInt(2) == 0 ? "\n" : " ");
                }
            }
            case "arithmetic" -> {
                while (b.length() < chars) {
                    int x = rng.nextInt(100);
                    int y = rng.nextInt(100);
                    b.append(x).append('+').append(y).append('=').append(x + y).append('\n');
                }
            }
            default -> throw new IllegalArgumentException("unknown built-in corpus '" + name + "'; expected one of " + NAMES);
        }
        return b.toString();
    }

    private static String pick(String[] words, Rng rng) {
        return words[rng.nextInt(words.length)];
    }

    private static void nounPhrase(StringBuilder b, Rng rng) {
        String det = pick(DET, rng);
        String adj = rng.nextInt(2) == 0 ? pick(ADJ, rng) : null;
        String noun = pick(NOUN, rng);
        boolean vowel = "aeiou".indexOf((adj != null ? adj : noun).charAt(0)) >= 0;
        b.append(det.equals("a") && vowel ? "an" : det).append(' ');
        if (adj != null) {
            b.append(adj).append(' ');
        }
        b.append(noun);
        if (rng.nextInt(5) == 0) {
            b.append(' ').append(pick(PREP, rng)).append(' ').append(pick(DET, rng)).append(' ').append(pick(NOUN, rng));
        }
    }

    private static void sentence(StringBuilder b, Rng rng) {
        int start = b.length();
        boolean question = rng.nextInt(6) == 0;
        if (question) {
            b.append("does ");
            nounPhrase(b, rng);
            b.append(' ').append(pick(VERB_BASE, rng)).append(' ');
            nounPhrase(b, rng);
            b.append('?');
        } else {
            nounPhrase(b, rng);
            if (rng.nextInt(3) == 0) {
                b.append(' ').append(pick(VERB_I, rng));
                if (rng.nextInt(2) == 0) {
                    b.append(' ').append(pick(ADV, rng));
                }
            } else {
                b.append(' ').append(pick(VERB_T, rng)).append(' ');
                nounPhrase(b, rng);
            }
            if (rng.nextInt(4) == 0) {
                b.append(", and ");
                nounPhrase(b, rng);
                b.append(' ').append(pick(VERB_I, rng));
            }
            b.append('.');
        }
        b.setCharAt(start, Character.toUpperCase(b.charAt(start)));
    }
}
