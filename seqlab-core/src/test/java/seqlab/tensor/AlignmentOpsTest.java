package seqlab.tensor;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The attention ops split their batch rows over the thread pool when they are large: same bits for any thread count. */
class AlignmentOpsTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(3, 2, 5),        // small: always on the calling thread
                Arguments.of(5, 33, 260),     // large: rows on the pool, odd sizes for the vector tails
                Arguments.of(7, 65, 129),
                Arguments.of(1, 300, 120),    // one row: nothing to split
                Arguments.of(64, 32, 256));   // W4's attention
    }

    @ParameterizedTest(name = "B={0} S={1} H={2}")
    @MethodSource("shapes")
    void additiveScoresSameBitsForAnyThreadCount(int b, int s, int h) {
        SameBits.assertForAnyThreadCount(new int[][] {{b, s, h}, {b, h}, {1, h}}, t -> AlignmentOps.additiveScores(t[0], t[1], t[2]));
    }

    @ParameterizedTest(name = "B={0} S={1} H={2}")
    @MethodSource("shapes")
    void weightedSumSameBitsForAnyThreadCount(int b, int s, int h) {
        SameBits.assertForAnyThreadCount(new int[][] {{b, s}, {b, s, h}}, t -> AlignmentOps.weightedSum(t[0], t[1]));
    }

    @ParameterizedTest(name = "B={0} S={1} H={2}")
    @MethodSource("shapes")
    void dotScoresSameBitsForAnyThreadCount(int b, int s, int h) {
        SameBits.assertForAnyThreadCount(new int[][] {{b, h}, {b, s, h}}, t -> AlignmentOps.dotScores(t[0], t[1]));
    }
}
