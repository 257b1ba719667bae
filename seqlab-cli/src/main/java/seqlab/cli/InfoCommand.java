package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import seqlab.io.Json;
import seqlab.io.Safetensors;
import seqlab.model.ModelDirectory;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a safetensors file (tensors, dtypes, shapes, parameter count, metadata) or a model directory (config too).")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|DIR", description = "a .safetensors file or a model directory")
    Path path;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.exists(path)) {
            throw new UserException(path + ": no such file or directory");
        }
        Path file = path;
        ModelDirectory.Described model = null;
        if (Files.isDirectory(path)) {
            Path cfg = path.resolve(ModelDirectory.CONFIG);
            if (!Files.exists(cfg)) {
                throw new UserException(path + " has no config.json; give a model directory or a .safetensors file");
            }
            // loading the whole model checks names and shapes against the config
            model = ModelDirectory.describe(path);
            out.println("config.json:");
            out.print(Json.writePretty(model.config().map()).indent(2));
            out.println("tokenizer.json: " + (model.tokenizer() != null ? model.tokenizer() : "none (the model runs on token ids)"));
            model.warnings().forEach(w -> out.println("warning: " + w));
            file = path.resolve(ModelDirectory.WEIGHTS);
        }
        Safetensors.File f = Safetensors.open(file);
        out.printf("%s: %d tensors%n", file, f.tensors().size());
        if (!f.metadata().isEmpty()) {
            out.println("metadata: " + Json.write(f.metadata()));
        }
        long values = 0;
        int nonFinite = 0;
        for (Map.Entry<String, Safetensors.Info> e : f.tensors().entrySet()) {
            Safetensors.Info i = e.getValue();
            out.printf(Locale.ROOT, "  %-32s %-5s %s%n", e.getKey(), i.dtype(), Arrays.toString(i.shape()));
            values += i.numel();
            if (i.dtype().isFloat()) {
                for (float v : f.floats(e.getKey())) {
                    if (!Float.isFinite(v)) {
                        nonFinite++;
                    }
                }
            }
        }
        if (model != null) {
            out.printf(Locale.ROOT, "parameters: %,d%s%n", model.model().parameterCount(),
                    model.model().parameterCount() != values ? String.format(Locale.ROOT, " (%,d values in the file: tied weights are "
                            + "stored under both names)", values) : "");
        } else {
            out.printf(Locale.ROOT, "values: %,d%n", values);
        }
        if (nonFinite > 0) {
            out.printf("warning: %d non-finite values (NaN or infinity)%n", nonFinite);
        }
        return 0;
    }
}
