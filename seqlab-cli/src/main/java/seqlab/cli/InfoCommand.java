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
        if (Files.isDirectory(path)) {
            Path cfg = path.resolve(ModelDirectory.CONFIG);
            if (!Files.exists(cfg)) {
                throw new UserException(path + " has no config.json; give a model directory or a .safetensors file");
            }
            out.println("config.json:");
            out.print(Json.writePretty(ModelDirectory.readJson(cfg).map()).indent(2));
            Path tok = path.resolve(ModelDirectory.TOKENIZER);
            if (Files.exists(tok)) {
                var t = ModelDirectory.readJson(tok);
                out.printf("tokenizer.json: %s, %d tokens%n", t.string("type"), t.list("vocab").size());
            } else {
                out.println("tokenizer.json: none (the model runs on token ids)");
            }
            file = path.resolve(ModelDirectory.WEIGHTS);
            // load the whole model too: this checks names and shapes against the config
            ModelDirectory.Loaded loaded = ModelDirectory.load(path);
            loaded.warnings().forEach(w -> out.println("warning: " + w));
        }
        Safetensors.File f = Safetensors.open(file);
        out.printf("%s: %d tensors%n", file, f.tensors().size());
        if (!f.metadata().isEmpty()) {
            out.println("metadata: " + Json.write(f.metadata()));
        }
        long params = 0;
        int nonFinite = 0;
        for (Map.Entry<String, Safetensors.Info> e : f.tensors().entrySet()) {
            Safetensors.Info i = e.getValue();
            out.printf(Locale.ROOT, "  %-32s %-5s %s%n", e.getKey(), i.dtype(), Arrays.toString(i.shape()));
            params += i.numel();
            if (i.dtype().isFloat()) {
                for (float v : f.floats(e.getKey())) {
                    if (!Float.isFinite(v)) {
                        nonFinite++;
                    }
                }
            }
        }
        out.printf(Locale.ROOT, "parameters: %,d%n", params);
        if (nonFinite > 0) {
            out.printf("warning: %d non-finite values (NaN or infinity)%n", nonFinite);
        }
        return 0;
    }
}
