package seqlab.data;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import seqlab.text.Text;

/**
 * Reading translation pairs: two line-aligned files (Multi30k's train.de / train.en), or one
 * file of tab-separated pairs (eng-fra.txt), plus the normalisation and filter of the PyTorch
 * translation tutorial for eng-fra.
 */
public final class ParallelCorpus {

    /** The tutorial's English prefixes: only pairs whose English side starts with one are kept. */
    public static final List<String> ENG_PREFIXES = List.of("i am ", "i m ", "he is", "he s ", "she is", "she s ",
            "you are", "you re ", "we are", "we re ", "they are", "they re ");
    /** The tutorial's MAX_LENGTH: both sides must have fewer words than this. */
    public static final int MAX_WORDS = 10;

    private static final Pattern COMBINING = Pattern.compile("\\p{Mn}+");
    private static final Pattern PUNCT = Pattern.compile("([.!?])");
    private static final Pattern NON_LETTER = Pattern.compile("[^a-zA-Z.!?]+");

    private ParallelCorpus() {}

    /** Pairs from two files whose line i translate each other; the line counts must match. */
    public static List<Pair> alignedFiles(Path source, Path target) {
        List<String> src = lines(Text.readUtf8(source));
        List<String> tgt = lines(Text.readUtf8(target));
        if (src.size() != tgt.size()) {
            throw new IllegalArgumentException("parallel corpus is misaligned: " + source + " has " + src.size() + " lines, "
                    + target + " has " + tgt.size() + "; each line of one must translate the same line of the other");
        }
        List<Pair> out = new ArrayList<>(src.size());
        for (int i = 0; i < src.size(); i++) {
            out.add(new Pair(src.get(i), tgt.get(i)));
        }
        return out;
    }

    /**
     * Pairs from a file of tab-separated columns (further columns, such as eng-fra.txt's
     * attribution, are ignored); {@code reverse} takes column 2 as the source.
     */
    public static List<Pair> tabSeparated(Path file, boolean reverse) {
        List<String> lines = lines(Text.readUtf8(file));
        List<Pair> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] cols = lines.get(i).split("\t", -1);
            if (cols.length < 2) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + " has no tab; expected \"source<TAB>target\"");
            }
            out.add(reverse ? new Pair(cols[1], cols[0]) : new Pair(cols[0], cols[1]));
        }
        return out;
    }

    /**
     * The tutorial's normalizeString: Unicode to ASCII (decompose, drop combining marks),
     * lower case, a space before . ! ?, every run of other non-letters to one space, trimmed.
     */
    public static String normalize(String s) {
        String ascii = COMBINING.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
        String t = ascii.toLowerCase(Locale.ROOT).strip();
        t = PUNCT.matcher(t).replaceAll(" $1");
        t = NON_LETTER.matcher(t).replaceAll(" ");
        return t.strip();
    }

    /**
     * The tutorial's filterPairs on normalised (French, English) pairs: both sides under
     * {@value #MAX_WORDS} words and the English side starting with one of {@link #ENG_PREFIXES}.
     */
    public static boolean keepEngFra(Pair normalisedFraEng) {
        String eng = normalisedFraEng.target();
        return words(normalisedFraEng.source()) < MAX_WORDS && words(eng) < MAX_WORDS
                && ENG_PREFIXES.stream().anyMatch(eng::startsWith);
    }

    /** eng-fra.txt as the tutorial prepares it: French → English, normalised, filtered. */
    public static List<Pair> engFraTutorial(Path file) {
        List<Pair> out = new ArrayList<>();
        for (Pair p : tabSeparated(file, true)) {
            Pair n = new Pair(normalize(p.source()), normalize(p.target()));
            if (keepEngFra(n)) {
                out.add(n);
            }
        }
        return out;
    }

    private static int words(String s) {
        return s.split(" ", -1).length;                  // Python's s.split(' ')
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);                    // the final newline ends the last line
        }
        for (int i = 0; i < out.size(); i++) {
            String l = out.get(i);
            if (l.endsWith("\r")) {
                out.set(i, l.substring(0, l.length() - 1));
            }
        }
        return out;
    }
}
