package seqlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.io.Safetensors;
import seqlab.model.ModelDirectory;
import seqlab.model.RnnLanguageModel;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Run a model on token ids from a safetensors file (input_ids, integer, [batch, time]) and write "
                + "its logits (float32, [batch, time, vocab]): the way other tools check seqlab's numbers.")
final class ForwardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "model directory")
    Path model;

    @Option(names = "--input", required = true, description = "safetensors file with an integer tensor input_ids [batch, time]")
    Path input;

    @Option(names = "--output", required = true, description = "safetensors file to write, with float32 logits [batch, time, vocab]")
    Path output;

    @Option(names = "--force", description = "overwrite --output if it exists")
    boolean force;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        threads.apply();
        if (Files.exists(output) && !force) {
            throw new UserException("--output " + output + " exists; use --force to overwrite it");
        }
        if (Files.isDirectory(output)) {
            throw new UserException("--output " + output + " is a directory, expected a file name");
        }
        ModelDirectory.Loaded loaded = ModelDirectory.load(model);
        loaded.warnings().forEach(w -> spec.commandLine().getErr().println("seqlab: warning: " + w));
        Safetensors.File in = Safetensors.open(input);
        if (!in.tensors().containsKey("input_ids")) {
            throw new UserException(input + ": no tensor named input_ids (it has " + in.tensors().keySet()
                    + "); write the token ids as an integer tensor input_ids [batch, time]");
        }
        Safetensors.Info info = in.info("input_ids");
        if (!info.dtype().isInteger()) {
            throw new UserException(input + ": input_ids has dtype " + info.dtype() + ", expected an integer dtype (I64 or I32)");
        }
        if (info.shape().length != 2) {
            throw new UserException(input + ": input_ids has shape " + Arrays.toString(info.shape()) + ", expected [batch, time]");
        }
        int batch = Math.toIntExact(info.shape()[0]);
        int time = Math.toIntExact(info.shape()[1]);
        long[] raw = in.longs("input_ids");
        RnnLanguageModel m = loaded.model();
        int v = m.config().vocabSize();
        int[] ids = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < 0 || raw[i] >= v) {
                throw new UserException(input + ": input_ids[" + i / Math.max(1, time) + ", " + i % Math.max(1, time) + "] = "
                        + raw[i] + " is out of range [0, " + v + ") for this model's vocabulary");
            }
            ids[i] = (int) raw[i];
        }
        m.requiresGrad(false);
        Tensor logits = m.logits(ids, batch, time, new Rng(0));                 // (B, T, V)
        Safetensors.write(output, Map.of("logits", Safetensors.Entry.f32(logits.data(), batch, time, v)), Map.of("format", "pt"));
        spec.commandLine().getErr().printf("wrote logits [%d, %d, %d] to %s%n", batch, time, v, output);
        return 0;
    }
}
