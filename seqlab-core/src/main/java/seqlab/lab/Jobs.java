package seqlab.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import seqlab.kernel.Parallel;

/**
 * An experiment's independent runs (trainings that share no state) spread over the pool's threads:
 * each thread takes the next run when it finishes one, and a run's own operations stay on its
 * thread. The small models of the lab use one core far better this way than split over two. The
 * results come back in job order and each run computes the same bits on any thread, so a result
 * does not depend on the thread count. Put the longest runs first: the last one started decides
 * when all are done.
 */
final class Jobs {

    private Jobs() {}

    static <T> List<T> run(List<Supplier<T>> jobs) {
        int n = jobs.size();
        Object[] out = new Object[n];
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        Parallel.forEach(Math.min(Parallel.threads(), n), w -> {
            for (int i = next.getAndIncrement(); i < n && !failed.get(); i = next.getAndIncrement()) {
                try {
                    out[i] = jobs.get(i).get();
                } catch (RuntimeException | Error e) {
                    failed.set(true);                                     // the other threads start no new run
                    throw e;
                }
            }
        });
        @SuppressWarnings("unchecked")
        List<T> results = (List<T>) new ArrayList<>(Arrays.asList(out));
        return results;
    }
}
