package seqlab.kernel;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class ParallelTest {

    @AfterEach
    void restore() {
        Parallel.setThreads(2);
    }

    @ParameterizedTest(name = "n={0}, threads={1}")
    @CsvSource({"0,1", "0,2", "1,2", "2,2", "2,3", "3,2", "7,3", "100,2", "100,3", "5,1"})
    void everyIndexRunsOnceInForEachAndForShares(int n, int threads) {
        Parallel.setThreads(threads);
        AtomicIntegerArray fixed = new AtomicIntegerArray(n);
        AtomicIntegerArray shares = new AtomicIntegerArray(n);
        Parallel.forEach(n, fixed::incrementAndGet);
        Parallel.forShares(n, (from, to) -> {
            assertThat(from).as("range [%d, %d)", from, to).isLessThan(to);
            for (int i = from; i < to; i++) {
                shares.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertThat(fixed.get(i)).as("forEach index %d", i).isEqualTo(1);
            assertThat(shares.get(i)).as("forShares index %d", i).isEqualTo(1);
        }
    }

    @Test
    void oneThreadRunsTheWholeRangeAtOnce() {
        Parallel.setThreads(1);
        java.util.List<String> ranges = new java.util.ArrayList<>();
        Parallel.forShares(40, (from, to) -> ranges.add(from + ".." + to));
        assertThat(ranges).containsExactly("0..40");
    }

    @Test
    void insideATaskTheWholeRangeRunsOnThatThread() {
        Parallel.setThreads(2);
        java.util.List<String> ranges = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Parallel.forEach(2, i -> {
            String me = Thread.currentThread().getName();
            Parallel.forShares(10, (from, to) -> ranges.add(i + ":" + from + ".." + to + (Thread.currentThread().getName().equals(me) ? "" : " elsewhere")));
        });
        assertThat(ranges).containsExactlyInAnyOrder("0:0..10", "1:0..10");
        ranges.clear();
        Parallel.forEach(2, i -> {
            String me = Thread.currentThread().getName();
            Parallel.forRanges(1000, Long.MAX_VALUE, (from, to) -> ranges.add(i + ":" + from + ".." + to
                    + (Thread.currentThread().getName().equals(me) ? "" : " elsewhere")));
        });
        assertThat(ranges).as("forRanges inside a task").containsExactlyInAnyOrder("0:0..1000", "1:0..1000");
    }

    @Test
    void aFreeThreadTakesTheRestOfAStalledThreadsShareFromTheBack() {
        Parallel.setThreads(2);
        int n = 40;
        String[] ranOn = new String[n];
        java.util.List<int[]> elsewhere = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger doneElsewhere = new java.util.concurrent.atomic.AtomicInteger();
        int[] stalled = new int[2];
        boolean[] allDone = new boolean[1];
        Parallel.forShares(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                ranOn[i] = Thread.currentThread().getName();
            }
            if (started.compareAndSet(false, true)) {      // the first range stalls: the other thread must run every other index
                stalled[0] = from;
                stalled[1] = to;
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (doneElsewhere.get() < n - (to - from) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                allDone[0] = doneElsewhere.get() == n - (to - from);
            } else {
                elsewhere.add(new int[] {from, to});
                doneElsewhere.addAndGet(to - from);
            }
        });
        assertThat(allDone[0]).as("every other index ran while the first range [%d, %d) stalled", stalled[0], stalled[1]).isTrue();
        assertThat(stalled[1] - stalled[0]).as("the first range is half a share").isEqualTo(10);
        String slow = ranOn[stalled[0]];
        long byTheOther = java.util.Arrays.stream(ranOn).filter(t -> !java.util.Objects.equals(t, slow)).count();
        assertThat(byTheOther).as("indices the free thread ran").isEqualTo(n - 10);
        java.util.List<String> stolen = new java.util.ArrayList<>();
        java.util.List<String> expected = new java.util.ArrayList<>();
        for (int[] r : elsewhere) {
            if (r[0] >= stalled[0] && r[0] < stalled[0] + 20) {
                stolen.add(r[0] + ".." + r[1]);
            }
        }
        for (int i = stalled[0] + 19; i >= stalled[1]; i--) {
            expected.add(i + ".." + (i + 1));
        }
        assertThat(stolen).as("the stalled share's rest, taken from the back one index at a time").isEqualTo(expected);
    }

    @ParameterizedTest(name = "n={0}, threads={1}, work={2}: {3} ranges")
    @CsvSource({"0,2,100000000,1", "1,2,100000000,1", "2,2,100000000,2", "3,3,100000000,3", "7,2,100000000,7",
            "17,2,100000000,16", "1000,2,100000000,16", "1000,3,100000000,24", "1000,2,40000,4", "1000,2,50000,6", "1000,8,32768,8",
            "1000,2,32767,1", "1000,1,100000000,1"})
    void forRangesCoversEveryIndexOnceInContiguousRanges(int n, int threads, long work, int expectedRanges) {
        Parallel.setThreads(threads);
        java.util.List<int[]> ranges = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Parallel.forRanges(n, work, (from, to) -> ranges.add(new int[] {from, to}));
        java.util.List<int[]> sorted = new java.util.ArrayList<>(ranges);
        sorted.sort(java.util.Comparator.comparingInt(r -> r[0]));
        int next = 0;
        for (int[] r : sorted) {
            assertThat(r[0]).as("ranges are contiguous and disjoint").isEqualTo(next);
            assertThat(r[1]).as("range [%d, %d) is not empty", r[0], r[1]).isGreaterThan(n == 0 ? r[0] - 1 : r[0]);
            next = r[1];
        }
        if (n > 0) {
            assertThat(next).as("the ranges cover [0, %d)", n).isEqualTo(n);
        }
        assertThat(ranges).as("number of ranges").hasSize(expectedRanges);
    }

    @Test
    void aFreeThreadRunsEveryOtherRangeWhileOneRangeStalls() {
        Parallel.setThreads(2);
        int n = 1000;
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger doneElsewhere = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<String> others = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        String[] slow = new String[1];
        boolean[] allDone = new boolean[1];
        Parallel.forRanges(n, Long.MAX_VALUE, (from, to) -> {
            if (started.compareAndSet(false, true)) {      // the first range stalls: the other thread must run the other 15
                slow[0] = Thread.currentThread().getName();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (doneElsewhere.get() < n - (to - from) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                allDone[0] = doneElsewhere.get() == n - (to - from);
            } else {
                others.add(Thread.currentThread().getName());
                doneElsewhere.addAndGet(to - from);
            }
        });
        assertThat(allDone[0]).as("every other range ran while the first stalled").isTrue();
        assertThat(others).as("the other 15 ranges, all on the thread that did not stall").hasSize(15).doesNotContain(slow[0]);
    }

    @Test
    void ownersAndThievesNeverTakeTheSameIndex() {
        java.util.Random rng = new java.util.Random(7);
        for (int threads = 2; threads <= 3; threads++) {
            Parallel.setThreads(threads);
            for (int round = 0; round < 1500; round++) {
                int n = 2 + rng.nextInt(63);
                int[] spins = new int[n];
                for (int i = 0; i < n; i++) {
                    spins[i] = rng.nextInt(200);
                }
                for (String split : java.util.List.of("forShares", "forRanges", "forEach")) {
                    AtomicIntegerArray count = new AtomicIntegerArray(n);
                    Parallel.Range body = (from, to) -> {
                        for (int i = from; i < to; i++) {
                            for (int s = 0; s < spins[i]; s++) {
                                Thread.onSpinWait();
                            }
                            count.incrementAndGet(i);
                        }
                    };
                    split(split, n, body);
                    for (int i = 0; i < n; i++) {
                        assertThat(count.get(i)).as("%s, threads %d, n %d, index %d", split, threads, n, i).isEqualTo(1);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"forShares", "forRanges", "forEach"})
    void aFailingRangeReachesTheCaller(String split) {
        Parallel.setThreads(2);
        AtomicIntegerArray ran = new AtomicIntegerArray(10);
        Parallel.Range body = (from, to) -> {
            for (int i = from; i < to; i++) {
                ran.incrementAndGet(i);
            }
            if (from <= 7 && 7 < to) {
                throw new IllegalStateException("index 7");
            }
        };
        assertThatThrownBy(() -> split(split, 10, body)).isInstanceOf(IllegalStateException.class).hasMessage("index 7");
        for (int i = 0; i < 10; i++) {
            assertThat(ran.get(i)).as("index %d ran at most once", i).isLessThanOrEqualTo(1);
        }
        AtomicIntegerArray after = new AtomicIntegerArray(4);
        Parallel.forShares(4, (from, to) -> {
            for (int i = from; i < to; i++) {
                after.incrementAndGet(i);
            }
        });
        assertThat(after.toString()).isEqualTo("[1, 1, 1, 1]");      // the pool still works
    }

    /** Runs {@code body} over [0, n) through the named split (forRanges with work enough to split). */
    private static void split(String split, int n, Parallel.Range body) {
        switch (split) {
            case "forShares" -> Parallel.forShares(n, body);
            case "forRanges" -> Parallel.forRanges(n, Long.MAX_VALUE, body);
            default -> Parallel.forEach(n, i -> body.run(i, i + 1));
        }
    }
}
