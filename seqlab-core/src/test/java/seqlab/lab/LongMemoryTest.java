package seqlab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The long-memory verdict rule, on the full-size run's published losses and on made-up cases. */
class LongMemoryTest {

    private static final int[] T = {25, 50, 100, 200, 400};

    private static int[][] levels(double[][] loss, double[] base) {
        int[][] out = new int[2][loss.length];
        for (int c = 0; c < loss.length; c++) {
            out[0][c] = LongMemory.longest(loss[c], base, T, LongMemory.SOLVED);
            out[1][c] = LongMemory.longest(loss[c], base, T, LongMemory.BEATEN);
        }
        return out;
    }

    @Test
    void addingFromThePublishedRunIsConfirmed() {
        double[] base = {1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0};
        double[][] loss = {
            {0.1707, 0.1705, 0.1732, 0.1503, 0.1732},   // RNN: at the baseline (0.1503 is 9.8% under)
            {0.0123, 0.1633, 0.1719, 0.15, 0.1718},     // LSTM
            {0.0031, 0.0024, 0.0102, 0.1395, 0.1727}};  // GRU
        int[][] l = levels(loss, base);
        assertThat(l[0]).containsExactly(0, 25, 100);
        assertThat(l[1]).containsExactly(0, 25, 200);
        assertThat(LongMemory.verdict(l[0], l[1], 400)).startsWith("confirmed");
    }

    @Test
    void copyFromThePublishedRunIsOnlyPartly() {
        double[] base = new double[T.length];
        for (int i = 0; i < T.length; i++) {
            base[i] = LongMemory.copyBaseline(T[i]);
        }
        double[][] loss = {
            {0.4637, 0.2982, 0.174, 0.0949, 0.0497},
            {0.4526, 0.2851, 0.1697, 0.0923, 0.0502},
            {0.4256, 0.2576, 0.1487, 0.0831, 0.0477}};   // GRU 8–14% under the baseline
        int[][] l = levels(loss, base);
        assertThat(l[0]).containsExactly(0, 0, 0);
        assertThat(l[1]).containsExactly(0, 0, 200);
        assertThat(LongMemory.verdict(l[0], l[1], 400)).startsWith("partly");
    }

    @Test
    void sameSpansForEveryCell() {
        assertThat(LongMemory.verdict(new int[] {400, 400, 400}, new int[] {400, 400, 400}, 400)).startsWith("not separated");
        assertThat(LongMemory.verdict(new int[] {50, 50, 25}, new int[] {100, 100, 100}, 400)).startsWith("not confirmed");
        assertThat(LongMemory.verdict(new int[] {0, 0, 0}, new int[] {0, 0, 0}, 400)).startsWith("not confirmed");
    }

    @Test
    void longestCountsAnyLengthNotOnlyAPrefix() {
        double[] base = {1, 1, 1, 1, 1};
        assertThat(LongMemory.longest(new double[] {0.9, 0.2, 0.9, 0.4, 1}, base, T, 0.5)).isEqualTo(200);
        assertThat(LongMemory.longest(new double[] {1, 1, 1, 1, 1}, base, T, 0.5)).isZero();
        assertThat(LongMemory.longest(new double[] {0.5, 0.5, 0.5, 0.5, 0.5}, base, T, 0.5)).as("strictly below").isZero();
    }

    @Test
    void measuredTextListsTheLengthsAndSaysWhenThereAreNone() {
        double[] base = {1, 1, 1, 1, 1};
        double[] loss = {0.3, 0.6, 0.4, 0.95, 0.85};
        assertThat(LongMemory.under(loss, base, T, LongMemory.SOLVED)).containsExactly(25, 100);
        assertThat(LongMemory.at(LongMemory.under(loss, base, T, LongMemory.SOLVED))).isEqualTo("at T = 25, 100");
        assertThat(LongMemory.at(LongMemory.under(loss, base, T, LongMemory.BEATEN))).isEqualTo("at T = 25, 50, 100, 400");
        assertThat(LongMemory.at(LongMemory.under(new double[] {1, 1, 1, 1, 1}, base, T, LongMemory.BEATEN))).isEqualTo("at no T");
    }

    /** The published full-size result is what the current rules make of its own data.csv. */
    @Test
    void publishedResultsFollowFromPublishedData() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("../docs/lab/long-memory");
        seqlab.report.Table t = seqlab.report.Table.parseCsv(java.nio.file.Files.readString(dir.resolve("data.csv")), "data.csv");
        LabResult r = new LongMemory().fromData(false, new LabData("data.csv", t.header(), t.rows())).orElseThrow();
        java.util.List<java.util.List<String>> results = seqlab.report.Table.parseCsv(
                java.nio.file.Files.readString(dir.resolve("results.csv")), "results.csv").rows();
        assertThat(results).hasSize(4);                                  // recurrent cells, then the Transformer, per task
        for (int i = 0; i < 4; i++) {
            Finding f = r.findings().get(i);
            assertThat(results.get(i)).containsExactly(f.claim(), f.setup(), f.result(), f.verdict());
        }
        assertThat(r.findings().get(0).result()).startsWith("RNN (tanh): solves (below half the baseline) at no T, beats it by 10% at no T;");
        assertThat(r.findings().get(1).verdict()).startsWith("confirmed");
        assertThat(r.findings().get(2).verdict()).isEqualTo("confirmed: the Transformer solves T = 400, no gated cell solves any T");
        assertThat(r.findings().get(3).verdict()).isEqualTo("confirmed: the Transformer solves T = 400, the gated cells at most T = 100");
    }

    @Test
    void dataOfAnotherSizeOrExperimentIsRefusedInOneLine() {
        LabData quickData = new LabData("q/data.csv", LongMemory.COLUMNS, java.util.List.of(java.util.List.of("copy", "rnn_tanh", "25", "0.5", "0.46")));
        assertThatThrownBy(() -> new LongMemory().fromData(false, quickData))
                .hasMessage("q/data.csv has no copy loss for rnn_tanh at T = 50; a run writes one row per (task, cell, T)");
        LabData other = new LabData("x/data.csv", java.util.List.of("ratio", "step"), java.util.List.of());
        assertThatThrownBy(() -> new LongMemory().fromData(false, other))
                .hasMessage("x/data.csv has columns [ratio, step], expected [task, cell, T, final_loss, baseline]; is it the data.csv of a 'long-memory' run?");
        LabData longer = new LabData("f/data.csv", LongMemory.COLUMNS, java.util.List.of(java.util.List.of("copy", "gru", "400", "0.05", "0.04")));
        assertThatThrownBy(() -> new LongMemory().fromData(true, longer))
                .hasMessage("f/data.csv row 1: copy gru at T = 400 is not part of the quick size (cells rnn_tanh, lstm, gru, transformer; T = 25, 50); "
                        + "drop --quick for a full run's data");
        LabData bad = new LabData("b/data.csv", LongMemory.COLUMNS, java.util.List.of(java.util.List.of("copy", "gru", "25", "lots", "0.04")));
        assertThatThrownBy(() -> new LongMemory().fromData(true, bad)).hasMessage("b/data.csv row 1, column final_loss: 'lots' is not a number");
    }
}
