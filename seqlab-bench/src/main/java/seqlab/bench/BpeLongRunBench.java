package seqlab.bench;

import java.nio.file.Files;
import java.nio.file.Path;
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

import seqlab.text.ByteLevelBpe;

/**
 * GPT-2's byte-level BPE on a run of one character, 100,000 long by default: one piece merged in
 * full (the textbook merge loop is quadratic in the piece's length). Each call encodes a new text
 * (the run, then a counter), so the piece cache never answers. Needs ../shared/data/gpt2-bpe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BpeLongRunBench {

    @Param({"a", "space", "1", "é", "中"})
    String symbol;

    @Param({"100000"})
    int length;

    ByteLevelBpe bpe;
    String run;
    long calls;

    @Setup
    public void setup() {
        Path dir = Path.of("..", "shared", "data", "gpt2-bpe");
        if (!Files.isDirectory(dir)) {
            dir = Path.of("..", "..", "shared", "data", "gpt2-bpe");
        }
        bpe = ByteLevelBpe.read(dir.resolve("encoder.json"), dir.resolve("vocab.bpe"));
        run = (symbol.equals("space") ? " " : symbol).repeat(length);
    }

    @Benchmark
    public int[] encode() {
        return bpe.encode(run + "|" + calls++);
    }
}
