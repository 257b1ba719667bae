package seqlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import seqlab.kernel.Gemm;
import seqlab.kernel.Parallel;
import seqlab.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobsTest {

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(2);
    }

    /** Jobs of different sizes that use the parallel GEMM inside: each result must not depend on who ran it. */
    private static List<Supplier<float[]>> products() {
        List<Supplier<float[]>> jobs = new ArrayList<>();
        for (int size : new int[] {200, 1, 65, 0, 130, 33, 97}) {
            jobs.add(() -> {
                Rng rng = new Rng(size);
                float[] a = new float[size * 70];
                float[] b = new float[70 * size];
                for (int i = 0; i < a.length; i++) {
                    a[i] = rng.nextFloat() - 0.5f;
                    b[i] = rng.nextFloat() - 0.5f;
                }
                float[] c = new float[size * size];
                Gemm.sgemm(false, false, size, size, 70, 1f, a, 0, 70, b, 0, Math.max(1, size), 0f, c, 0, Math.max(1, size));
                return c;
            });
        }
        return jobs;
    }

    @Test
    void resultsComeInJobOrderAndEqualOneThreadsBitForBit() {
        Parallel.setThreads(1);
        List<float[]> alone = Jobs.run(products());
        Parallel.setThreads(2);
        List<float[]> spread = Jobs.run(products());
        assertThat(spread).hasSameSizeAs(alone);
        for (int i = 0; i < alone.size(); i++) {
            assertThat(spread.get(i)).as("job %d", i).isEqualTo(alone.get(i));
        }
        assertThat(spread.get(0)).hasSize(200 * 200);
        assertThat(Jobs.run(List.<Supplier<Integer>>of())).isEmpty();
    }

    @Test
    void aFailingJobFailsTheRunAndNoNewJobStarts() {
        Parallel.setThreads(2);
        AtomicInteger started = new AtomicInteger();
        List<Supplier<Integer>> jobs = new ArrayList<>();
        jobs.add(() -> {
            started.incrementAndGet();
            throw new IllegalStateException("run 0 diverged");
        });
        for (int i = 1; i < 50; i++) {
            int k = i;
            jobs.add(() -> {
                started.incrementAndGet();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return k;
            });
        }
        assertThatThrownBy(() -> Jobs.run(jobs)).isInstanceOf(IllegalStateException.class).hasMessage("run 0 diverged");
        assertThat(started.get()).isLessThan(5);
    }
}
