package seqlab.tensor;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The arrays of one step are handed out again, zeroed, to the next; nothing else is pooled. */
class WorkspaceTest {

    @Test
    void outsideAStepEveryArrayIsNewAndZeroed() {
        float[] a = Workspace.floats(5);
        float[] b = Workspace.floats(5);
        assertThat(a).isNotSameAs(b).containsOnly(0f);
        assertThat(Workspace.uninitialized(3)).containsOnly(0f);
        float[] src = {1f, 2f, 3f};
        assertThat(Workspace.copyOf(src)).isNotSameAs(src).containsExactly(1f, 2f, 3f);
    }

    @Test
    void theNextStepGetsTheLastStepsArraysBackZeroed() {
        Workspace ws = new Workspace();
        float[] a;
        float[] u;
        try (Workspace.Step s = ws.step()) {
            a = Workspace.floats(7);
            java.util.Arrays.fill(a, 1f);
            u = Workspace.uninitialized(9);
            java.util.Arrays.fill(u, 2f);
        }
        assertThat(ws.retained()).isEqualTo(2);
        try (Workspace.Step s = ws.step()) {
            assertThat(Workspace.floats(7)).isSameAs(a).containsOnly(0f);
            assertThat(Workspace.floats(7)).isNotSameAs(a);                    // one of that length was kept
            float[] c = Workspace.copyOf(new float[] {4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f});
            assertThat(c).isSameAs(u).containsExactly(4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f);
        }
        assertThat(ws.retained()).isEqualTo(3);
    }

    @Test
    void lengthsTheLastStepDidNotAskForAreLetGo() {
        Workspace ws = new Workspace();
        try (Workspace.Step s = ws.step()) {
            Workspace.floats(7);
            Workspace.floats(9);
            Workspace.floats(9);
            Workspace.floats(0);                                                // empty arrays are never kept
        }
        assertThat(ws.retained()).isEqualTo(3);
        try (Workspace.Step s = ws.step()) {
            Workspace.floats(7);
            Workspace.floats(11);
        }
        assertThat(ws.retained()).isEqualTo(2);
    }

    @Test
    void aPoisoningWorkspaceFillsItsArraysWithNaNWhenTheStepEnds() {
        Workspace ws = Workspace.poisoning();
        float[] a;
        try (Workspace.Step s = ws.step()) {
            a = Workspace.floats(33);
        }
        assertThat(a).containsOnly(Float.NaN);
        try (Workspace.Step s = ws.step()) {
            assertThat(Workspace.floats(33)).isSameAs(a).containsOnly(0f);    // zeroed again when handed out
        }
    }

    @Test
    void opOutputsAndTheirGradientsComeFromTheStepParametersAndTheirGradientsNever() {
        Workspace ws = Workspace.poisoning();
        Rng rng = new Rng(7);
        Tensor w = Tensor.parameter(gaussian(rng, 5 * 3), 5, 3);
        Tensor b = Tensor.parameter(gaussian(rng, 5), 5);
        Tensor x = Tensor.of(gaussian(rng, 4 * 3), 4, 3);
        float[] wData = w.data().clone();
        Tensor y;
        try (Workspace.Step s = ws.step()) {
            y = LinearOps.linear(x, w, b);
            LinearOps.dot(PointwiseOps.add(y, y), gaussian(rng, 4 * 5)).backward();
        }
        assertThat(y.data()).containsOnly(Float.NaN);
        assertThat(y.gradOrNull()).containsOnly(Float.NaN);
        assertThat(w.data()).isEqualTo(wData);
        assertThat(w.gradOrNull()).doesNotContain(Float.NaN).isNotEqualTo(new float[15]);
        assertThat(b.gradOrNull()).doesNotContain(Float.NaN);
        assertThat(x.data()).doesNotContain(Float.NaN);
    }

    @Test
    void tensorZerosIsNeverPooledAndAFailedStepStillHandsItsArraysBack() {
        Workspace ws = Workspace.poisoning();
        Tensor z = null;
        float[] a = null;
        try (Workspace.Step s = ws.step()) {
            z = Tensor.zeros(6);
            a = Workspace.floats(6);
            throw new IllegalArgumentException("a bad batch");
        } catch (IllegalArgumentException expected) {
            // the step is closed by try-with-resources
        }
        assertThat(z.data()).isNotSameAs(a).containsOnly(0f);
        assertThat(a).containsOnly(Float.NaN);
        assertThat(ws.retained()).isEqualTo(1);
        try (Workspace.Step s = ws.step()) {
            assertThat(Workspace.floats(6)).isSameAs(a).containsOnly(0f);
        }
    }

    @Test
    void otherThreadsSeeNoStep() throws InterruptedException {
        Workspace ws = Workspace.poisoning();
        AtomicReference<float[]> made = new AtomicReference<>();
        try (Workspace.Step s = ws.step()) {
            Thread t = new Thread(() -> made.set(Workspace.floats(5)));
            t.start();
            t.join();
        }
        assertThat(made.get()).containsOnly(0f);
        assertThat(ws.retained()).isZero();
    }

    @Test
    void stepsDoNotNestAndCloseOnTheirOwnThread() throws InterruptedException {
        Workspace ws = new Workspace();
        Workspace other = new Workspace();
        try (Workspace.Step s = ws.step()) {
            assertThatThrownBy(ws::step).isInstanceOf(IllegalStateException.class).hasMessageContaining("already open");
            assertThatThrownBy(other::step).isInstanceOf(IllegalStateException.class).hasMessageContaining("already open");
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    ws.step();
                } catch (Throwable e) {
                    thrown.set(e);
                }
                try {
                    s.close();
                } catch (Throwable e) {
                    thrown.set(thrown.get() == null ? e : thrown.get());
                    if (thrown.get() != e) {
                        thrown.get().addSuppressed(e);
                    }
                }
            });
            t.start();
            t.join();
            assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("has a step open on thread");
            assertThat(thrown.get().getSuppressed()).singleElement().satisfies(e ->
                    assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed on the thread that opened it"));
            s.close();
            s.close();                                                         // a second close does nothing
        }
        try (Workspace.Step s = ws.step()) {                                   // open again after closing
            assertThat(Workspace.floats(2)).containsOnly(0f);
        }
    }

    private static float[] gaussian(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }
}
