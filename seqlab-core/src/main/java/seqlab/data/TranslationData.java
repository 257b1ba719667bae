package seqlab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import seqlab.tensor.Rng;
import seqlab.text.PairTokenizer;

/**
 * A translation corpus split three ways, from a data spec:
 * <ul>
 *   <li>{@code multi30k:DIR}: Multi30k de→en, the standard train / val / test2016 files
 *       ({@code train.de}, {@code train.en}, …), words;
 *   <li>{@code eng-fra:FILE} (or the directory holding eng-fra.txt): the PyTorch tutorial's French→English
 *       pairs (normalised, filtered), split 90/5/5 by a seeded shuffle, words;
 *   <li>{@code pairs:FILE}: tab-separated source/target lines, split 90/5/5 likewise, words;
 *   <li>{@code aligned:SOURCE,TARGET}: two files whose line i translate each other, split 90/5/5
 *       likewise, words;
 *   <li>{@code builtin:TASK}: a generated task (dates, copy, reverse, sort, addition): 20,000 / 1,000 /
 *       1,000 pairs from three seeds, characters.
 * </ul>
 */
public record TranslationData(String spec, PairTokenizer.Split split, List<Pair> train, List<Pair> val, List<Pair> test) {

    public static final String SPECS =
            "multi30k:DIR, eng-fra:FILE, pairs:FILE, aligned:SOURCE,TARGET or builtin:dates|copy|reverse|sort|addition";
    static final int BUILTIN_TRAIN = 20_000;
    static final int BUILTIN_HELD_OUT = 1_000;

    public static TranslationData read(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? "" : spec.substring(0, colon);
        String arg = colon < 0 ? "" : spec.substring(colon + 1);
        return switch (kind) {
            case "multi30k" -> {
                Path dir = Path.of(arg);
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("--data " + spec + ": " + dir + " is not a directory; expected the Multi30k "
                            + "directory with train.de, train.en, val.de, val.en, test2016.de, test2016.en");
                }
                yield new TranslationData(spec, PairTokenizer.Split.WORDS,
                        ParallelCorpus.alignedFiles(dir.resolve("train.de"), dir.resolve("train.en")),
                        ParallelCorpus.alignedFiles(dir.resolve("val.de"), dir.resolve("val.en")),
                        ParallelCorpus.alignedFiles(dir.resolve("test2016.de"), dir.resolve("test2016.en")));
            }
            case "eng-fra" -> {
                Path p = Path.of(arg);
                yield heldOut(spec, ParallelCorpus.engFraTutorial(Files.isDirectory(p) ? p.resolve("eng-fra.txt") : p));
            }
            case "pairs" -> heldOut(spec, ParallelCorpus.tabSeparated(Path.of(arg), false));
            case "aligned" -> {
                String[] files = arg.split(",", -1);
                if (files.length != 2 || files[0].isEmpty() || files[1].isEmpty()) {
                    throw new IllegalArgumentException("--data " + spec + ": expected aligned:SOURCE,TARGET, two file names "
                            + "joined by one comma (a name may not contain a comma)");
                }
                yield heldOut(spec, ParallelCorpus.alignedFiles(Path.of(files[0]), Path.of(files[1])));
            }
            case "builtin" -> {
                if (!BuiltinTask.NAMES.contains(arg)) {
                    throw new IllegalArgumentException("--data " + spec + ": unknown built-in task; expected one of "
                            + BuiltinTask.NAMES.stream().map(n -> "builtin:" + n).toList());
                }
                yield new TranslationData(spec, PairTokenizer.Split.CHARS, BuiltinTask.generate(arg, BUILTIN_TRAIN, 1),
                        BuiltinTask.generate(arg, BUILTIN_HELD_OUT, 2), BuiltinTask.generate(arg, BUILTIN_HELD_OUT, 3));
            }
            default -> throw new IllegalArgumentException("--data " + spec + ": expected " + SPECS);
        };
    }

    /**
     * The spec with its file and directory names made absolute, as a run records it, so that it
     * still names the same files from another working directory.
     */
    public static String absolute(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? "" : spec.substring(0, colon);
        String arg = colon < 0 ? "" : spec.substring(colon + 1);
        return switch (kind) {
            case "multi30k", "eng-fra", "pairs" -> kind + ":" + absolutePath(arg);
            case "aligned" -> {
                String[] files = arg.split(",", -1);
                yield files.length == 2 ? kind + ":" + absolutePath(files[0]) + "," + absolutePath(files[1]) : spec;
            }
            default -> spec;
        };
    }

    private static String absolutePath(String name) {
        return name.isEmpty() ? name : Path.of(name).toAbsolutePath().normalize().toString();
    }

    /** 90 / 5 / 5 after a shuffle seeded with 0, so the split never changes for the same file. */
    static TranslationData heldOut(String spec, List<Pair> pairs) {
        if (pairs.size() < 20) {
            throw new IllegalArgumentException("--data " + spec + ": " + pairs.size() + " pairs; at least 20 are needed to hold out "
                    + "validation and test pairs");
        }
        List<Pair> p = new ArrayList<>(pairs);
        Rng rng = new Rng(0);
        for (int i = p.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            Pair t = p.get(i);
            p.set(i, p.get(j));
            p.set(j, t);
        }
        int n = p.size() / 20;
        return new TranslationData(spec, PairTokenizer.Split.WORDS, List.copyOf(p.subList(2 * n, p.size())),
                List.copyOf(p.subList(0, n)), List.copyOf(p.subList(n, 2 * n)));
    }

    /** The pairs of a split by name: train, val or test. */
    public List<Pair> split(String name) {
        return switch (name) {
            case "train" -> train;
            case "val" -> val;
            case "test" -> test;
            default -> throw new IllegalArgumentException("--split must be train, val or test, got " + name);
        };
    }
}
