package seqlab.lab;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exposure-bias verdict rule, on the full-size run's published numbers and on made-up cases; and reading data back. */
class TeacherForcingTest {

    // {teacher-forced val loss, free-running BLEU, free-running perplexity}, ratio 1.0 then 0.5
    @Test
    void publishedRunIsOnlyPartly() {
        String v = TeacherForcing.exposureVerdict(new double[] {1.1409, 59.1771, 13.0771}, new double[] {1.1665, 59.2028, 5.4836});
        assertThat(v).isEqualTo("partly: ratio 1.0's free-running perplexity is 2.38× ratio 0.5's despite its lower teacher-forced loss, "
                + "but their greedy BLEU differs by 0.03 (under the 1.0-point margin)");
    }

    @Test
    void everyBranchOfTheRule() {
        double[] forced = {1.0, 50, 12};
        assertThat(TeacherForcing.exposureVerdict(forced, new double[] {1.2, 52, 6})).startsWith("confirmed: despite a higher teacher-forced loss")
                .contains("BLEU +2.00").contains("2.00× lower");
        assertThat(TeacherForcing.exposureVerdict(forced, new double[] {1.2, 51.5, 11})).startsWith("partly: ratio 0.5's greedy BLEU is 1.50 higher")
                .endsWith("(1.09× against the 1.2× needed)");
        assertThat(TeacherForcing.exposureVerdict(forced, new double[] {1.2, 50.5, 11})).startsWith("not seen at this size");
        assertThat(TeacherForcing.exposureVerdict(forced, new double[] {0.9, 60, 3})).startsWith("not separated");
        assertThat(TeacherForcing.exposureVerdict(forced, new double[] {1.0, 51, 10})).as("margins are inclusive, equal loss counts")
                .startsWith("confirmed");
    }

    @Test
    void dataOfAnotherSizeOrWithAPartMissingIsRefusedInOneLine() {
        assertThatThrownBy(() -> new TeacherForcing().fromData(true, new LabData("d.csv", TeacherForcing.COLUMNS, rows("3000"))))
                .hasMessage("d.csv: ratio 1.0 ends at step 3000, but the quick size trains 200; drop --quick for a full run's data");
        assertThat(new TeacherForcing().fromData(true, new LabData("d.csv", TeacherForcing.COLUMNS, rows("200"))).orElseThrow()
                .findings().get(1).verdict()).startsWith("not seen");
        assertThatThrownBy(() -> new TeacherForcing().fromData(true, new LabData("d.csv", TeacherForcing.COLUMNS, rows("200").subList(0, 5))))
                .hasMessage("d.csv has no free-running results for ratio 0.0; expected its validation curve and a row of free-running results");
        assertThatThrownBy(() -> new TeacherForcing().fromData(true, new LabData("d.csv", TeacherForcing.COLUMNS, rows("200").subList(2, 6))))
                .hasMessage("d.csv has no validation curve for ratio 1.0; expected its validation curve and a row of free-running results");
    }

    /** A curve point and a row of free-running results for each ratio, all alike. */
    private static List<List<String>> rows(String steps) {
        List<List<String>> rows = new ArrayList<>();
        for (String r : List.of("1.0", "0.5", "0.0")) {
            rows.add(List.of(r, steps, "100.0", "1.2", "", ""));
            rows.add(List.of(r, steps, "100.0", "", "50.0", "6.0"));
        }
        return rows;
    }
}
