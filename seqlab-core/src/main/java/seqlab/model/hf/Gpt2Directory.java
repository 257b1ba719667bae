package seqlab.model.hf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import seqlab.io.AtomicFiles;
import seqlab.io.IoErrors;
import seqlab.io.Json;
import seqlab.io.Safetensors;
import seqlab.model.Gpt;
import seqlab.text.ByteLevelBpe;
import seqlab.text.Tokenizer;

/**
 * A GPT as a Hugging Face GPT-2 directory, what {@code GPT2LMHeadModel.from_pretrained} and
 * {@code AutoTokenizer.from_pretrained} read: {@code config.json} ({@link Gpt2Config}),
 * {@code model.safetensors} ({@link Gpt2Weights}, {@code __metadata__ {"format": "pt"}}), and for a
 * byte-level BPE tokenizer {@code tokenizer.json}, {@code vocab.json} and {@code merges.txt}.
 */
public final class Gpt2Directory {

    public static final List<String> MODEL_FILES = List.of("config.json", "model.safetensors");

    private Gpt2Directory() {}

    /** The files {@link #write} writes for this tokenizer (none for a tokenizer Hugging Face's GPT-2 has no form of). */
    public static List<String> files(Tokenizer tok) {
        List<String> out = new ArrayList<>(MODEL_FILES);
        if (tok instanceof ByteLevelBpe) {
            out.addAll(ByteLevelBpe.FILES);
        }
        return out;
    }

    /** Writes the directory (created if absent), config.json last; refuses a model with no GPT-2 form before writing anything. */
    public static void write(Path dir, Gpt model, Tokenizer tok) {
        Map<String, Object> config = Gpt2Config.toJson(model.config());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + IoErrors.describe(e), e);
        }
        Safetensors.write(dir.resolve("model.safetensors"), Gpt2Weights.entries(model), Map.of("format", "pt"));
        if (tok instanceof ByteLevelBpe bpe) {
            bpe.write(dir);
        }
        AtomicFiles.writeString(dir.resolve("config.json"), Json.writePretty(config));
    }
}
