package seqlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import seqlab.data.BuiltinTask;
import seqlab.data.Pair;
import seqlab.data.PairBatcher;
import seqlab.model.Transformer;
import seqlab.model.TransformerConfig;
import seqlab.nn.transformer.Activation;
import seqlab.nn.transformer.Positional;
import seqlab.tensor.Rng;
import seqlab.text.PairTokenizer;
import seqlab.train.Seq2SeqEvaluation;
import seqlab.train.Seq2SeqTask;
import seqlab.train.TrainConfig;
import seqlab.train.Trainer;

/**
 * Why the Transformer needs positional encoding (Vaswani et al., §3.5). (a) Self-attention without
 * positions is permutation-equivariant: permuting the input tokens permutes the encoder's outputs,
 * so a sentence and its shuffle ("dog bites man", "man bites dog") get the same mean-pooled
 * representation. (b) On an order-sensitive task, reversing a string of digits, the same
 * Transformer is trained with no positions, the sinusoidal table, learned positions and rotary
 * positions; exact-match accuracy on strings of the training lengths (3–12) and on longer ones
 * (13–16), which no training pair has, overall and by string length.
 */
public final class PositionalEncoding implements Experiment {

    static final Positional[] KINDS = {Positional.NONE, Positional.SINUSOIDAL, Positional.LEARNED, Positional.ROTARY};

    @Override
    public String name() {
        return "positional-encoding";
    }

    @Override
    public String description() {
        return "permutation equivariance without positions; reversal accuracy with none / sinusoidal / learned / rotary, and on longer inputs";
    }

    record Size(int trainPairs, int testPairs, int steps, int batch, int dModel, int layers) {}

    static Size size(boolean quick) {
        return quick ? new Size(2000, 100, 150, 32, 32, 1) : new Size(20000, 1000, 2000, 64, 64, 2);
    }

    static final int LONGEST_TRAINED = 12;
    static final int LONG_FROM = 13;
    static final int LONG_TO = 16;

    /** A trained encoding's results; {@code byLength[n]} = {pairs, exactly right} for strings of n digits. */
    record Run(Positional kind, double inLength, double longer, double valLoss, double permutationDiff, double poolDiff, int[][] byLength) {

        Run(Positional kind, double inLength, double longer, double valLoss, double permutationDiff, double poolDiff) {
            this(kind, inLength, longer, valLoss, permutationDiff, poolDiff, new int[LONG_TO + 1][2]);
        }
    }

    @Override
    public LabResult run(boolean quick, Consumer<String> log) {
        Size z = size(quick);
        List<Pair> train = BuiltinTask.generate("reverse", z.trainPairs(), 1);
        List<Pair> val = BuiltinTask.generate("reverse", 200, 2);
        List<Pair> test = BuiltinTask.generate("reverse", z.testPairs(), 3);
        List<Pair> longer = longer(z.testPairs(), new Rng(4));
        PairTokenizer tok = PairTokenizer.fit(PairTokenizer.Split.CHARS, train.stream().map(Pair::source).toList(),
                train.stream().map(Pair::target).toList(), 1);
        TrainConfig cfg = new TrainConfig(z.steps(), z.batch(), 1, "adamw", 2e-3f, "cosine", z.steps() / 10, 0.01f, 0f, 1f,
                Math.max(1, z.steps() / 4), 1, 1);
        List<java.util.function.Supplier<Run>> jobs = new ArrayList<>();
        for (Positional kind : KINDS) {
            jobs.add(() -> {
                TransformerConfig mc = new TransformerConfig(z.dModel(), 4, z.layers(), z.layers(), 2 * z.dModel(), 0f, Activation.RELU,
                        true, 1e-5f, tok.source().size(), tok.target().size(), kind, 24);
                Transformer model = new Transformer(mc, new Rng(cfg.seed()));
                log.accept(String.format(Locale.ROOT, "%s: %,d parameters, %d steps", kind.id(), model.parameterCount(), z.steps()));
                Seq2SeqTask task = new Seq2SeqTask(model, tok, encode(tok, train), encode(tok, val), cfg.batch(), 1.0, cfg.seed());
                Curve curve = new Curve(kind.id(), log);
                double valLoss = Scratch.use(dir -> Trainer.start(task, Map.of("source", "builtin:reverse"), cfg, dir, curve).run());
                int[][] byLength = new int[LONG_TO + 1][2];
                double in = exact(model, tok, test, byLength);
                double out = exact(model, tok, longer, byLength);
                double[] perm = permutation(model, tok);
                log.accept(String.format(Locale.ROOT, "%s: exact match %.1f%% (lengths 3–12), %.1f%% (13–16)", kind.id(), 100 * in, 100 * out));
                return new Run(kind, in, out, valLoss, perm[0], perm[1], byLength);
            });
        }
        List<Run> runs = Jobs.run(jobs);
        List<List<Object>> rows = new ArrayList<>();
        List<Series> curves = new ArrayList<>();
        for (Run r : runs) {
            List<double[]> points = new ArrayList<>();
            for (int n = 0; n <= LONG_TO; n++) {
                int[] c = r.byLength()[n];
                if (c[0] > 0) {
                    rows.add(List.of(r.kind().id(), n, c[0], RnnVsLstmVsGru.round(c[1] / (double) c[0]), RnnVsLstmVsGru.round(r.valLoss()), r.permutationDiff(),
                            r.poolDiff()));
                    points.add(new double[] {n, 100.0 * c[1] / c[0]});
                }
            }
            curves.add(new Series(r.kind().id(), points.stream().mapToDouble(q -> q[0]).toArray(),
                    points.stream().mapToDouble(q -> q[1]).toArray()));
        }
        Run none = runs.get(0);
        Run sin = runs.get(1);
        String setup = String.format(Locale.ROOT, "Transformer d_model %d, 4 heads, %d + %d pre-LN layers, trained %d steps of %d pairs on "
                + "reversing 3–12 digits (builtin:reverse), the same seed for each encoding; %d test strings of 3–12 and %d of 13–16 digits",
                z.dModel(), z.layers(), z.layers(), z.steps(), z.batch(), z.testPairs(), z.testPairs());
        List<Finding> findings = List.of(
                new Finding("Without positional encoding self-attention is permutation-equivariant: \"dog bites man\" = \"man bites dog\"",
                        setup + "; the trained no-position encoder on a 12-digit string and a permutation of it",
                        String.format(Locale.ROOT, "max |encoder(permuted) − permuted(encoder)|: none %.2g, sinusoidal %.2g; "
                                + "max |difference of mean-pooled outputs|: none %.2g, sinusoidal %.2g", none.permutationDiff(),
                                sin.permutationDiff(), none.poolDiff(), sin.poolDiff()),
                        none.permutationDiff() < 1e-4 && sin.permutationDiff() > 1e-2
                                ? "confirmed: without positions the outputs only move with the tokens (float rounding aside); with them they change"
                                : "not confirmed"),
                new Finding("An order-sensitive task needs positions", setup, accuracies(runs, false),
                        verdictOrder(runs)),
                new Finding("Positions beyond the trained lengths: learned ones do not extrapolate", setup, accuracies(runs, true),
                        verdictLonger(runs)));
        return new LabResult(name(), "Positional encoding: order, and lengths beyond training", findings,
                List.of("positional", "digits", "pairs", "exact_match", "val_loss", "permutation_diff", "pooled_diff"), rows,
                List.of(new Figure.Lines("accuracy_by_length", "Reversal exact match by string length (trained on 3–" + LONGEST_TRAINED
                        + " digits)", "digits in the string", "exact match (%)", false, false, curves)));
    }

    static String accuracies(List<Run> runs, boolean longer) {
        StringBuilder sb = new StringBuilder("exact match");
        for (Run r : runs) {
            sb.append(String.format(Locale.ROOT, " %s %.1f%%,", r.kind().id(), 100 * (longer ? r.longer() : r.inLength())));
        }
        return sb.substring(0, sb.length() - 1);
    }

    /** Every encoding with positions beats none by 20 points on the trained lengths. */
    static String verdictOrder(List<Run> runs) {
        double none = runs.get(0).inLength();
        long better = runs.stream().skip(1).filter(r -> r.inLength() >= none + 0.2).count();
        return better == runs.size() - 1 ? "confirmed: every encoding with positions beats none by 20 points or more"
                : better > 0 ? "partly: " + better + " of " + (runs.size() - 1) + " encodings beat none by 20 points"
                : "not confirmed at this size";
    }

    /** Learned positions fall furthest on the longer strings (their rows for positions 13–16 were never trained). */
    static String verdictLonger(List<Run> runs) {
        Run learned = runs.stream().filter(r -> r.kind() == Positional.LEARNED).findFirst().orElseThrow();
        double bestOther = runs.stream().filter(r -> r.kind() == Positional.SINUSOIDAL || r.kind() == Positional.ROTARY)
                .mapToDouble(Run::longer).max().orElse(0);
        if (bestOther == 0 && learned.longer() == 0) {
            return "not seen at this size: no encoding reverses a longer string";
        }
        return learned.longer() < bestOther ? String.format(Locale.ROOT, "confirmed: learned %.1f%% against the best computed encoding's %.1f%%",
                100 * learned.longer(), 100 * bestOther) : "not confirmed: learned positions did as well on longer strings";
    }

    /** Digit strings of 13–16 characters and their reversals. */
    static List<Pair> longer(int n, Rng rng) {
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            char[] d = new char[LONG_FROM + rng.nextInt(LONG_TO - LONG_FROM + 1)];
            for (int j = 0; j < d.length; j++) {
                d[j] = (char) ('0' + rng.nextInt(10));
            }
            String s = new String(d);
            out.add(new Pair(s, new StringBuilder(s).reverse().toString()));
        }
        return out;
    }

    private static List<PairBatcher.Encoded> encode(PairTokenizer tok, List<Pair> pairs) {
        return pairs.stream().map(p -> new PairBatcher.Encoded(tok.encodeSource(p.source()), tok.encodeTarget(p.target()))).toList();
    }

    /** The share of pairs decoded exactly right (greedy); adds each pair to {@code byLength}[its digits] = {pairs, right}. */
    private static double exact(Transformer m, PairTokenizer tok, List<Pair> pairs, int[][] byLength) {
        Seq2SeqEvaluation.Report r = Seq2SeqEvaluation.evaluate(m, tok, pairs.stream().map(Pair::source).toList(),
                pairs.stream().map(Pair::target).toList(), 128, 4);
        for (int i = 0; i < pairs.size(); i++) {
            int n = pairs.get(i).source().length();
            byLength[n][0]++;
            byLength[n][1] += tok.join(r.hypotheses().get(i)).equals(pairs.get(i).target()) ? 1 : 0;
        }
        return r.accuracy().exactMatch();
    }

    /**
     * {max |encoder(x[π]) − encoder(x)[π]|, max |mean(encoder(x[π])) − mean(encoder(x))|} for a
     * 12-digit string and a fixed permutation of it.
     */
    static double[] permutation(Transformer m, PairTokenizer tok) {
        int[] x = tok.encodeSource("314159265358");
        int n = x.length - 1;                                        // permute the digits, keep <eos> last
        int[] pi = new int[x.length];
        for (int i = 0; i < n; i++) {
            pi[i] = (i * 5 + 3) % n;                                 // 5 is coprime with 12: a permutation
        }
        pi[n] = n;
        int[] xp = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            xp[i] = x[pi[i]];
        }
        int d = m.config().dModel();
        return m.inference(() -> {
            float[] a = m.encode(x, 1, x.length, new int[] {x.length}, new Rng(0)).data();
            float[] b = m.encode(xp, 1, xp.length, new int[] {xp.length}, new Rng(0)).data();
            double diff = 0;
            double[] poolA = new double[d];
            double[] poolB = new double[d];
            for (int i = 0; i < x.length; i++) {
                for (int c = 0; c < d; c++) {
                    diff = Math.max(diff, Math.abs(b[i * d + c] - a[pi[i] * d + c]));   // encoder(x[π])_i vs encoder(x)_{π(i)}
                    poolA[c] += a[i * d + c] / x.length;
                    poolB[c] += b[i * d + c] / x.length;
                }
            }
            double pool = 0;
            for (int c = 0; c < d; c++) {
                pool = Math.max(pool, Math.abs(poolA[c] - poolB[c]));
            }
            return new double[] {diff, pool};
        });
    }

}
