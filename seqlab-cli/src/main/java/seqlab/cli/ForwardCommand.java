package seqlab.cli;

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
import seqlab.data.Seq2SeqBatch;
import seqlab.model.TranslationModel;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;

@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Run a model on token ids from a safetensors file (input_ids, integer, [batch, time]; for a seq2seq model also "
                + "decoder_input_ids [batch, target time] and optionally attention_mask) and write its logits (float32, "
                + "[batch, time, vocab]; seq2seq: teacher-forced over decoder_input_ids): the way other tools check seqlab's numbers.")
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
        threads.validate();
        OutputFile.check("--output", output, force);
        Safetensors.File in = Safetensors.open(input);
        Tensor logits = switch (ModelDirectory.load(model)) {
            case ModelDirectory.Loaded.Translator t -> translatorLogits(in, t);
            case ModelDirectory.Loaded.Generator g -> generatorLogits(in, g);
        };
        int[] shape = logits.shape();
        Safetensors.write(output, Map.of("logits", Safetensors.Entry.f32(logits.data(), shape)), Map.of("format", "pt"));
        spec.commandLine().getErr().printf("wrote logits %s to %s%n", Arrays.toString(shape), output);
        return 0;
    }

    /** (B, T, V_t): the decoder's logits given the sources and the decoder inputs, teacher-forced. */
    private Tensor translatorLogits(Safetensors.File in, ModelDirectory.Loaded.Translator loaded) {
        TranslationModel m = loaded.model();
        Ids src = ids(in, "input_ids", m.sourceVocab());
        Ids dec = ids(in, "decoder_input_ids", m.targetVocab());
        if (dec.rows() != src.rows()) {
            throw new UserException(input + ": decoder_input_ids has " + dec.rows() + " rows, input_ids " + src.rows()
                    + "; each source needs its decoder input");
        }
        int[] lengths = lengths(in, src);
        int[] noTargets = new int[dec.ids().length];
        Arrays.fill(noTargets, Seq2SeqBatch.IGNORE);
        Seq2SeqBatch b = new Seq2SeqBatch(src.ids(), lengths, dec.ids(), noTargets, src.rows(), src.cols(), dec.cols());
        start(loaded.warnings());
        return m.module().inference(() -> m.logits(b, new Rng(0)));
    }

    /** (B, T, V): the next-token logits at every position. */
    private Tensor generatorLogits(Safetensors.File in, ModelDirectory.Loaded.Generator loaded) {
        seqlab.model.LanguageModel m = loaded.model();
        Ids x = ids(in, "input_ids", m.vocabSize());
        if (x.cols() > m.contextLength()) {
            throw new UserException(input + ": input_ids has " + x.cols() + " tokens per row, more than the model's context window ("
                    + m.contextField() + " " + m.contextLength() + "); give at most " + m.contextLength());
        }
        start(loaded.warnings());
        return m.module().inference(() -> m.logits(x.ids(), x.rows(), x.cols(), new Rng(0)));
    }

    /** Once the inputs are checked: the load warnings, then the pool sized (with its own warning, if any). */
    private void start(java.util.List<String> warnings) {
        warnings.forEach(w -> spec.commandLine().getErr().println("seqlab: warning: " + w));
        threads.apply(spec.commandLine().getErr());
    }

    /** An integer tensor of token ids (rows, cols). */
    private record Ids(int[] ids, int rows, int cols) {}

    private Ids ids(Safetensors.File in, String name, int vocab) {
        if (!in.tensors().containsKey(name)) {
            throw new UserException(input + ": no tensor named " + name + " (it has " + in.tensors().keySet()
                    + "); write the token ids as an integer tensor " + name + " [batch, time]");
        }
        Safetensors.Info info = in.info(name);
        if (!info.dtype().isInteger()) {
            throw new UserException(input + ": " + name + " has dtype " + info.dtype() + ", expected an integer dtype (I64 or I32)");
        }
        if (info.shape().length != 2) {
            throw new UserException(input + ": " + name + " has shape " + Arrays.toString(info.shape()) + ", expected [batch, time]");
        }
        if (info.shape()[0] > Integer.MAX_VALUE || info.shape()[1] > Integer.MAX_VALUE || info.shape()[0] * info.shape()[1] == 0) {
            throw new UserException(input + ": " + name + " has shape " + Arrays.toString(info.shape())
                    + ", expected [batch, time] with at least one token and each size below 2^31");
        }
        int rows = (int) info.shape()[0];
        int cols = (int) info.shape()[1];
        long[] raw = in.longs(name);
        int[] ids = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < 0 || raw[i] >= vocab) {
                throw new UserException(input + ": " + name + "[" + i / Math.max(1, cols) + ", " + i % Math.max(1, cols) + "] = "
                        + raw[i] + " is out of range [0, " + vocab + ") for this model's vocabulary");
            }
            ids[i] = (int) raw[i];
        }
        return new Ids(ids, rows, cols);
    }

    /** Real tokens per source row: from attention_mask (1s then 0s, at least one 1) if given, else every position. */
    private int[] lengths(Safetensors.File in, Ids src) {
        int[] lengths = new int[src.rows()];
        if (!in.tensors().containsKey("attention_mask")) {
            Arrays.fill(lengths, src.cols());
            return lengths;
        }
        if (!Arrays.equals(in.info("attention_mask").shape(), new long[] {src.rows(), src.cols()})) {
            throw new UserException(input + ": attention_mask has shape " + Arrays.toString(in.info("attention_mask").shape())
                    + ", expected that of input_ids [" + src.rows() + ", " + src.cols() + "]");
        }
        long[] m = in.longs("attention_mask");
        for (int r = 0; r < src.rows(); r++) {
            int n = 0;
            while (n < src.cols() && m[r * src.cols() + n] == 1) {
                n++;
            }
            for (int i = n; i < src.cols(); i++) {
                if (m[r * src.cols() + i] != 0) {
                    throw new UserException(input + ": attention_mask row " + r + " is not 1s followed by 0s (padding must come last)");
                }
            }
            if (n == 0) {
                throw new UserException(input + ": attention_mask row " + r + " has no real token; every source needs at least <eos>");
            }
            lengths[r] = n;
        }
        return lengths;
    }
}
