package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.data.LmDataset;
import seqlab.model.Capability;
import seqlab.model.ModelDirectory;
import seqlab.text.Tokenizer;
import seqlab.train.Evaluation;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Language model: loss, perplexity and bits per character on the validation split (last 10%%) of a text. "
                + "Seq2seq model: BLEU, exact match, token accuracy, perplexity teacher-forced and free-running, BLEU by source length.")
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "model directory")
    Path model;

    @Option(names = "--data", description = "a UTF-8 text file or builtin:NAME; its last 10%% is evaluated. Seq2seq: "
            + seqlab.data.TranslationData.SPECS + " (default: the data the model was trained on)")
    String data;

    @Option(names = "--split", defaultValue = "test", description = "seq2seq: train, val or test (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--bucket", defaultValue = "5", description = "seq2seq: source tokens per row of the BLEU-by-length table (default: ${DEFAULT-VALUE})")
    int bucket;

    @Option(names = "--batch", defaultValue = "128", description = "seq2seq: sentences decoded at once (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--beam", defaultValue = "1", description = "seq2seq: translate by beam search of this width (length-normalised); 1 = greedy (default: ${DEFAULT-VALUE})")
    int beam;

    @Option(names = "--seq", defaultValue = "256", description = "language models: window length; the state carries across windows (default: ${DEFAULT-VALUE})")
    int seq;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        threads.validate();
        if (seq <= 0) {
            throw new UserException("--seq must be > 0, got " + seq);
        }
        if (ModelDirectory.capability(model) == Capability.TRANSLATES) {
            Options.onlyFor(spec, TrainCommand.LM, "--seq");
            return Seq2SeqEval.run(model, data, split, bucket, batch, beam, threads, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        Options.onlyFor(spec, TrainCommand.SEQ2SEQ, "--split", "--bucket", "--batch", "--beam");
        if (data == null) {
            throw new UserException("--data is required for a language model: the text whose last 10% is evaluated");
        }
        DataSource ds = DataSource.read(data);                        // the data first: a bad --data is said before the model loads
        ModelDirectory.Loaded.Generator loaded = ModelDirectory.loadGenerator(model, "eval");
        Tokenizer tok = loaded.tokenizer();
        if (tok == null) {
            throw new UserException(model + " has no tokenizer.json, so it cannot read text; evaluate token ids with 'seqlab forward'");
        }
        int[] val = LmDataset.split(tok.encode(ds.text())).val();
        if (val.length < 2) {
            throw new UserException("--data " + ds.spec() + ": the validation split (last 10%) has " + val.length
                    + " token(s); at least 2 are needed to evaluate");
        }
        loaded.warnings().forEach(w -> spec.commandLine().getErr().println("seqlab: warning: " + w));
        threads.apply(spec.commandLine().getErr());                  // warnings only once nothing can be refused
        Evaluation.Nll nll = Evaluation.full(loaded.model(), val, seq);
        int chars = tok.decode(java.util.Arrays.copyOfRange(val, 1, val.length)).length();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "data            %s (validation split: last 10%%, %,d tokens)%n", ds.spec(), val.length);
        out.printf(Locale.ROOT, "loss            %.4f nats/token%n", nll.mean());
        out.printf(Locale.ROOT, "perplexity      %.3f%n", nll.perplexity());
        out.printf(Locale.ROOT, "bits per token  %.4f%n", nll.bits());
        out.printf(Locale.ROOT, "bits per char   %.4f%n", nll.nats() / Math.log(2) / Math.max(1, chars));
        return 0;
    }
}
