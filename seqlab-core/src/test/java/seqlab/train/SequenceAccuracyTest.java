package seqlab.train;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequenceAccuracyTest {

    @Test
    void exactMatchAndTokenAccuracyPenaliseLengthDifferences() {
        SequenceAccuracy.Result r = SequenceAccuracy.of(
                List.of(new int[] {1, 2, 3}, new int[] {1, 2}, new int[] {4, 5, 6, 7}),
                List.of(new int[] {1, 2, 3}, new int[] {1, 2, 3}, new int[] {4, 0, 6}));
        assertThat(r.exactMatch()).isEqualTo(1.0 / 3);
        // 3/3 + 2/3 (one missing) + 2/4 (one wrong, one extra) = 7 of 10 positions
        assertThat(r.tokenAccuracy()).isEqualTo(0.7);
        assertThat(r.tokens()).isEqualTo(10);
        assertThat(SequenceAccuracy.of(List.of(), List.of()).exactMatch()).isZero();
        assertThatThrownBy(() -> SequenceAccuracy.of(List.of(new int[0]), List.of())).hasMessageContaining("1 predictions for 0");
    }
}
