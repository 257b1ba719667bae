package seqlab.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.model.ModelDirectory;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model in another library's layout: --hf DIR, a Hugging Face GPT-2 directory (config.json, "
                + "model.safetensors, and a byte-level BPE tokenizer's tokenizer.json, vocab.json, merges.txt) that "
                + "transformers' GPT2LMHeadModel.from_pretrained reads.")
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "model directory")
    Path model;

    @Option(names = "--hf", required = true, paramLabel = "DIR", description = "the Hugging Face directory to write")
    Path hf;

    @Option(names = "--force", description = "overwrite those files in an existing DIR")
    boolean force;

    @Override
    public Integer call() {
        ModelDirectory.Loaded.Generator g = ModelDirectory.loadGenerator(model, "export --hf");
        OutputFile.checkInDirectory("--hf", hf, ModelDirectory.huggingFaceFiles(g), force);
        g.warnings().forEach(w -> spec.commandLine().getErr().println("seqlab: warning: " + w));
        java.util.List<String> written = ModelDirectory.exportHuggingFace(g, hf);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s%s%n", hf, String.join(", ", written),
                g.tokenizer() != null && written.size() == 2 ? " (the " + g.tokenizer().type() + " tokenizer has no Hugging Face "
                        + "form; give the model its token ids)" : "");
        return 0;
    }
}
