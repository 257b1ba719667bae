package seqlab.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import seqlab.kernel.Parallel;
import seqlab.model.RnnLanguageModel;
import seqlab.model.RnnLmConfig;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.train.AdamW;

/**
 * W1 (lstm), W2 (gru), W3 (rnn_tanh): one training step of the char-level language model of
 * WORKLOADS.md (vocab 65, embedding 128, 2 layers of 512, seq 128, batch 32, AdamW);
 * tokens/s = 4096 / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class CharRnnStepBench {

    @Param({"lstm", "gru", "rnn_tanh"})
    String cell;

    @Param({"2"})
    int threads;

    RnnLanguageModel model;
    AdamW opt;
    int[] x;
    int[] y;
    Rng rng;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        model = new RnnLanguageModel(new RnnLmConfig(CellType.fromId(cell), 65, 128, 512, 2, 0f, false), new Rng(1234));
        opt = new AdamW(model.parameters(), 0.9, 0.99, 1e-8, 0.1f, true, true);
        rng = new Rng(1234);
        x = new int[32 * 128];
        y = new int[32 * 128];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(65);
            y[i] = rng.nextInt(65);
        }
    }

    @Benchmark
    public float trainStep() {
        opt.zeroGrad();
        Tensor loss = model.loss(x, y, 32, 128, rng);
        loss.backward();
        opt.step(1e-3f);
        return loss.item();
    }
}
