package seqlab.lab;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.data.Pair;
import seqlab.report.LabReport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every experiment at its quick size: it runs, and writes well-formed figures (SVG that parses
 * as XML, with a line per series), a findings table with claim, setup, measurement and verdict,
 * and its data.
 */
class LabTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vanishing-gradients", "long-memory", "bottleneck", "teacher-forcing", "rnn-vs-lstm-vs-gru", "attention-cost",
            "positional-encoding", "parallel-vs-sequential", "transformer-vs-lstm-lm"})
    void quickSizeWritesItsFiguresAndFindings(String name) throws Exception {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());     // runs log from several threads
        LabResult r = Lab.named(name).run(true, log::add);
        assertThat(log).isNotEmpty();
        if (List.of("bottleneck", "teacher-forcing", "rnn-vs-lstm-vs-gru", "transformer-vs-lstm-lm").contains(name)) {      // trainings report progress
            assertThat(log).anyMatch(l -> l.matches(".+: step \\d+/\\d+, validation loss \\d+\\.\\d{4}, \\d+ s"));
        }
        assertThat(r.findings()).isNotEmpty();
        for (Finding f : r.findings()) {
            assertThat(f.claim()).isNotBlank();
            assertThat(f.setup()).isNotBlank();
            assertThat(f.result()).isNotBlank().doesNotContain("NaN nats");
            assertThat(f.verdict()).matches("(confirmed|not confirmed|partly|not seen|not separated|GRU better).*");
        }
        assertThat(r.rows()).isNotEmpty();
        List<Path> files = LabReport.write(r, dir.resolve(name));
        for (Figure f : r.figures()) {
            Path svg = dir.resolve(name).resolve(f.file() + ".svg");
            assertThat(files).contains(svg);
            String text = Files.readString(svg);
            DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            if (f instanceof Figure.Lines l) {
                for (Series s : l.series()) {
                    assertThat(text).as("legend of %s", f.file()).contains(s.name().replace("&", "&amp;").replace("<", "&lt;"));
                }
                assertThat(text).contains("<polyline");
            } else {
                assertThat(text).contains("<rect");
            }
        }
        List<String> results = Files.readAllLines(dir.resolve(name).resolve("results.csv"));
        assertThat(results.get(0)).isEqualTo("claim,setup,measured,verdict");
        assertThat(results).hasSizeGreaterThan(r.findings().size());
        assertThat(Files.readAllLines(dir.resolve(name).resolve("data.csv")).get(0)).isEqualTo(String.join(",", r.columns()));
        String md = Files.readString(dir.resolve(name).resolve("results.md"));
        assertThat(md).startsWith("# " + r.title()).contains("| claim | setup | measured | verdict |");
        for (Figure f : r.figures()) {
            assertThat(md).contains("(" + f.file() + ".svg)");
        }
        java.util.Optional<LabResult> again = Lab.named(name).fromData(true, new LabData("data.csv", r.columns(),
                seqlab.report.Table.parseCsv(Files.readString(dir.resolve(name).resolve("data.csv")), "data.csv").rows()));
        assertThat(again.isPresent()).as("computed again from data.csv").isEqualTo(List.of("long-memory", "teacher-forcing").contains(name));
        if (again.isPresent()) {
            assertThat(again.get().findings()).isEqualTo(r.findings());
            assertThat(again.get().rows()).isEqualTo(r.rows());
            assertThat(again.get().figures()).hasSameSizeAs(r.figures());
            for (int i = 0; i < r.figures().size(); i++) {
                List<Series> a = ((Figure.Lines) again.get().figures().get(i)).series();
                List<Series> b = ((Figure.Lines) r.figures().get(i)).series();
                assertThat(a).hasSameSizeAs(b);
                for (int k = 0; k < a.size(); k++) {
                    assertThat(a.get(k).name()).isEqualTo(b.get(k).name());
                    assertThat(a.get(k).x()).containsExactly(b.get(k).x());
                    assertThat(a.get(k).y()).containsExactly(b.get(k).y());
                }
            }
        }
    }

    @Test
    void experimentsAreFoundByName() {
        assertThat(Lab.all()).extracting(Experiment::name)
                .containsExactly("vanishing-gradients", "long-memory", "bottleneck", "teacher-forcing", "rnn-vs-lstm-vs-gru",
                        "attention-cost", "positional-encoding", "parallel-vs-sequential", "transformer-vs-lstm-lm");
        assertThatThrownBy(() -> Lab.named("attention-is-all")).hasMessageContaining("unknown experiment 'attention-is-all'");
    }

    @Test
    void costSlopesAreLogLogLeastSquaresOverTheLongerHalf() {
        List<double[]> quadratic = new ArrayList<>();
        for (int n = 64; n <= 4096; n *= 2) {
            quadratic.add(new double[] {n, n < 256 ? 1e-3 : 1e-9 * n * n, 5.0 * n});           // overhead-bound at the short end
        }
        assertThat(AttentionCost.slope(quadratic, 1)).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(AttentionCost.slope(quadratic, 2)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(AttentionCost.slope(List.of(new double[] {1, 1, 1}), 1)).isNaN();
        assertThat(AttentionCost.verdictTime(2.1, 0.95)).startsWith("confirmed");
        assertThat(AttentionCost.verdictTime(1.4, 0.95)).isEqualTo("not confirmed at these lengths: attention's slope is 1.40, not about 2; ");
        assertThat(AttentionCost.verdictMemory(1.0, 2.0)).startsWith("confirmed");
        assertThat(AttentionCost.verdictMemory(1.9, 2.0)).startsWith("not confirmed");
    }

    @Test
    void positionalVerdictsAndLongerStrings() {
        java.util.function.BiFunction<seqlab.nn.transformer.Positional, double[], PositionalEncoding.Run> run =
                (k, a) -> new PositionalEncoding.Run(k, a[0], a[1], 0.1, 0, 0);
        List<PositionalEncoding.Run> runs = List.of(run.apply(seqlab.nn.transformer.Positional.NONE, new double[] {0.05, 0}),
                run.apply(seqlab.nn.transformer.Positional.SINUSOIDAL, new double[] {0.9, 0.2}),
                run.apply(seqlab.nn.transformer.Positional.LEARNED, new double[] {0.95, 0.0}),
                run.apply(seqlab.nn.transformer.Positional.ROTARY, new double[] {0.97, 0.4}));
        assertThat(PositionalEncoding.verdictOrder(runs)).startsWith("confirmed");
        assertThat(PositionalEncoding.verdictLonger(runs)).isEqualTo("confirmed: learned 0.0% against the best computed encoding's 40.0%");
        List<PositionalEncoding.Run> none = List.of(run.apply(seqlab.nn.transformer.Positional.NONE, new double[] {0, 0}),
                run.apply(seqlab.nn.transformer.Positional.SINUSOIDAL, new double[] {0.1, 0}),
                run.apply(seqlab.nn.transformer.Positional.LEARNED, new double[] {0, 0}),
                run.apply(seqlab.nn.transformer.Positional.ROTARY, new double[] {0.3, 0}));
        assertThat(PositionalEncoding.verdictOrder(none)).isEqualTo("partly: 1 of 3 encodings beat none by 20 points");
        assertThat(PositionalEncoding.verdictLonger(none)).startsWith("not seen");
        for (Pair p : PositionalEncoding.longer(50, new seqlab.tensor.Rng(3))) {
            assertThat(p.source().length()).isBetween(13, 16);
            assertThat(p.target()).isEqualTo(new StringBuilder(p.source()).reverse().toString());
        }
    }

    @Test
    void transformerProbeCountsItsParametersAndMatchesTheLstm() {
        for (int[] c : new int[][] {{10, 0, 8, 4, 1, 10}, {0, 2, 12, 4, 2, 1}, {65, 0, 36, 4, 3, 65}}) {
            TransformerProbe p = new TransformerProbe(c[0], c[1], c[2], c[3], c[4], c[5], new seqlab.tensor.Rng(1));
            assertThat(TransformerProbe.parameterCount(c[0], c[1], c[2], c[3], c[4], c[5])).isEqualTo(p.parameterCount());
        }
        for (int[] task : new int[][] {{LongMemory.REMEMBER, 16, LongMemory.REMEMBER}, {0, 2, 1}}) {
            long lstm = LongMemory.probe(new LongMemory.Kind("lstm", "LSTM", seqlab.tensor.CellType.LSTM), task[0], task[1], 128, task[2])
                    .parameterCount();
            long tf = LongMemory.probe(LongMemory.TRANSFORMER, task[0], task[1], 128, task[2]).parameterCount();
            assertThat((double) tf / lstm).isBetween(0.95, 1.05);
        }
    }

    @Test
    void transformerProbeIsCausal() {
        TransformerProbe p = new TransformerProbe(10, 0, 8, 2, 2, 10, new seqlab.tensor.Rng(2));
        int[] a = {1, 2, 3, 4, 5, 6};
        int[] b = {1, 2, 3, 9, 9, 9};                                 // differs from position 3 on
        float[] ya = p.inference(() -> p.everyStep(p.inputs(a, null, 1, 6)).data());
        float[] yb = p.inference(() -> p.everyStep(p.inputs(b, null, 1, 6)).data());
        assertThat(java.util.Arrays.copyOf(yb, 30)).containsExactly(java.util.Arrays.copyOf(ya, 30));   // positions 0-2 see only 1, 2, 3
        assertThat(yb[30]).isNotEqualTo(ya[30]);
    }

    @Test
    void transformerProbeReadsTheLastPositionForLastStep() {
        TransformerProbe p = new TransformerProbe(0, 2, 8, 2, 1, 3, new seqlab.tensor.Rng(4));
        float[] x = new float[2 * 5 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 7 % 11) / 11f;
        }
        float[] every = p.inference(() -> p.everyStep(p.inputs(null, x, 2, 5)).data());       // (2, 5, 3)
        float[] last = p.inference(() -> p.lastStep(p.inputs(null, x, 2, 5)).data());         // (2, 3)
        for (int b = 0; b < 2; b++) {
            assertThat(java.util.Arrays.copyOfRange(last, 3 * b, 3 * b + 3))
                    .containsExactly(java.util.Arrays.copyOfRange(every, b * 15 + 12, b * 15 + 15));
        }
    }

    @Test
    void parallelAndMemoryVerdicts() {
        assertThat(ParallelVsSequential.verdictSpeed(new double[] {1.2, 2, 3.0})).isEqualTo("confirmed: 1.20× at the shortest T, 3.00× at the longest");
        assertThat(ParallelVsSequential.verdictSpeed(new double[] {1.2, 0.9, 3.0})).startsWith("partly");
        assertThat(ParallelVsSequential.verdictSpeed(new double[] {0.8, 1.1})).startsWith("partly");
        assertThat(ParallelVsSequential.verdictSpeed(new double[] {0.5, 0.4})).startsWith("not confirmed");
        assertThat(ParallelVsSequential.verdictTime(100, 40)).isEqualTo("confirmed: 2.5× less wall time");
        assertThat(ParallelVsSequential.verdictTime(100, 80)).startsWith("partly");
        assertThat(ParallelVsSequential.verdictTime(50, 80)).startsWith("not confirmed");
        assertThat(ParallelVsSequential.verdictTime(Double.NaN, 80)).startsWith("not measured");
        assertThat(ParallelVsSequential.verdictThreads(1.3, 1.8)).startsWith("confirmed");
        assertThat(ParallelVsSequential.verdictThreads(1.7, 1.75)).startsWith("not confirmed: the LSTM gains as much or more");
        assertThat(ParallelVsSequential.verdictThreads(0.67, 0.93)).isEqualTo("not confirmed: the Transformer gains nothing from more threads at this size");
        assertThat(ParallelVsSequential.timeTo(new double[][] {{0, 0, 4}, {10, 5, 2.5}, {20, 9, 2}}, 2.5)).isEqualTo(5);
        assertThat(ParallelVsSequential.timeTo(new double[][] {{0, 0, 4}}, 2.5)).isNaN();
        assertThat(LongMemory.attentionVerdict(400, 100, 400)).isEqualTo("confirmed: the Transformer solves T = 400, the gated cells at most T = 100");
        assertThat(LongMemory.attentionVerdict(400, 0, 400)).endsWith("no gated cell solves any T");
        assertThat(LongMemory.attentionVerdict(400, 400, 400)).startsWith("not separated");
        assertThat(LongMemory.attentionVerdict(50, 200, 400)).startsWith("not confirmed: a gated cell reaches further");
        assertThat(LongMemory.attentionVerdict(0, 0, 400)).startsWith("not confirmed at this size");
    }

    @Test
    void attentionCountsAsFlatterOnlyWithAClearMargin() {
        // {short-source BLEU, long-source BLEU}: fixed vector, then attention
        assertThat(Bottleneck.attentionVerdict(new double[] {62.6, 16.3}, new double[] {97.3, 70.2})).startsWith("confirmed");
        assertThat(Bottleneck.attentionVerdict(new double[] {6.42, 3.39}, new double[] {24.81, 13.60}))
                .isEqualTo("partly: attention is higher on the longest sources but falls about as steeply "
                        + "(55% of its short-source BLEU kept, the fixed vector 53%)");
        assertThat(Bottleneck.attentionVerdict(new double[] {20, 10}, new double[] {30, 9})).isEqualTo("not confirmed at this size");
        assertThat(Bottleneck.attentionVerdict(new double[] {20, 10}, new double[] {30, 18})).startsWith("confirmed");   // 60% vs 50%
    }

    @Test
    void baselinesAreTheTextbookFormulas() {
        assertThat(LongMemory.copyBaseline(100)).isEqualTo(10 * Math.log(8) / 120);
        int[][] b = LongMemory.copyBatch(3, 25, new seqlab.tensor.Rng(1));
        int len = 45;
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < 10; i++) {
                assertThat(b[1][r * len + 35 + i]).isEqualTo(b[0][r * len + i]);          // the symbols come back at the end
            }
            assertThat(b[0][r * len + 34]).isEqualTo(LongMemory.DELIMITER);
        }
        LongMemory.Adding a = LongMemory.addingBatch(200, 40, new seqlab.tensor.Rng(2));
        double mse = 0;
        for (float y : a.y()) {
            mse += (y - 1) * (y - 1);
        }
        assertThat(mse / 200).isBetween(0.12, 0.21);                                          // ≈ 1/6 for always answering 1
    }
}
