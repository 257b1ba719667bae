package seqlab.kernel;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelTest {

    @AfterEach
    void restore() {
        Parallel.setThreads(2);
    }

    @ParameterizedTest(name = "n={0}, threads={1}")
    @CsvSource({"0,1", "0,2", "1,2", "2,2", "3,2", "7,3", "100,2", "100,3", "5,1"})
    void everyIndexRunsOnceFixedOrDynamic(int n, int threads) {
        Parallel.setThreads(threads);
        AtomicIntegerArray fixed = new AtomicIntegerArray(n);
        AtomicIntegerArray dynamic = new AtomicIntegerArray(n);
        Parallel.forEach(n, fixed::incrementAndGet);
        Parallel.forEachDynamic(n, dynamic::incrementAndGet);
        for (int i = 0; i < n; i++) {
            assertThat(fixed.get(i)).as("forEach index %d", i).isEqualTo(1);
            assertThat(dynamic.get(i)).as("forEachDynamic index %d", i).isEqualTo(1);
        }
    }

    @Test
    void dynamicTasksGoToTheFreeThread() throws Exception {
        Parallel.setThreads(2);
        int n = 40;
        String[] ranOn = new String[n];
        java.util.concurrent.CountDownLatch others = new java.util.concurrent.CountDownLatch(n - 1);
        boolean[] allDone = new boolean[1];
        Parallel.forEachDynamic(n, i -> {
            ranOn[i] = Thread.currentThread().getName();
            if (i == 0) {
                allDone[0] = await(others);     // whoever takes index 0 waits: the other thread must take all the rest
            } else {
                others.countDown();
            }
        });
        assertThat(allDone[0]).as("the other 39 tasks ran while task 0 waited").isTrue();
        String first = ranOn[0];
        assertThat(java.util.Arrays.stream(ranOn).filter(t -> !t.equals(first)).count()).isEqualTo(n - 1);
    }

    @Test
    void dynamicTaskFailureReachesTheCaller() {
        Parallel.setThreads(2);
        assertThatThrownBy(() -> Parallel.forEachDynamic(10, i -> {
            if (i == 7) {
                throw new IllegalStateException("task 7");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("task 7");
        AtomicIntegerArray after = new AtomicIntegerArray(4);
        Parallel.forEachDynamic(4, after::incrementAndGet);          // the pool still works
        assertThat(after.toString()).isEqualTo("[1, 1, 1, 1]");
    }

    private static boolean await(java.util.concurrent.CountDownLatch latch) {
        try {
            return latch.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
