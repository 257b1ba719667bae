package seqlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import seqlab.text.ByteLevelBpe;
import seqlab.text.Tokenizer;
import seqlab.text.Tokenizers;

/**
 * {@code --tokenizer gpt2}: GPT-2's own byte-level BPE (50,257 tokens: 256 bytes, 50,000 merges,
 * {@code <|endoftext|>} last), from OpenAI's {@code encoder.json} + {@code vocab.bpe} in
 * {@link #DIR}, read relative to the working directory as the labs read their corpora.
 */
final class Gpt2Tokenizer {

    static final String NAME = "gpt2";
    static final Path DIR = Path.of("..", "shared", "data", "gpt2-bpe");

    private Gpt2Tokenizer() {}

    static Tokenizer read() {
        return read(DIR);
    }

    /** GPT-2's tokenizer from {@code dir}, checked to be GPT-2's. */
    static Tokenizer read(Path dir) {
        String where = dir.toAbsolutePath().normalize().toString();
        if (!Files.isRegularFile(dir.resolve("encoder.json")) || !Files.isRegularFile(dir.resolve("vocab.bpe"))) {
            throw new UserException("--tokenizer gpt2: GPT-2's encoder.json and vocab.bpe are not in " + where
                    + "; give the directory that holds them (or a Hugging Face GPT-2 download) as --tokenizer bpe:DIR");
        }
        Tokenizer t = Tokenizers.read(dir);
        if (!(t instanceof ByteLevelBpe bpe) || bpe.vocabSize() != 50_257 || bpe.mergeCount() != 50_000 || bpe.endOfText() != 50_256) {
            String got = t instanceof ByteLevelBpe b ? String.format(java.util.Locale.ROOT, "%,d tokens, %,d merges and <|endoftext|> at %d",
                    b.vocabSize(), b.mergeCount(), b.endOfText()) : "a " + t.type() + " tokenizer";
            throw new UserException("--tokenizer gpt2: " + where + " is not GPT-2's tokenizer (expected 50,257 tokens, 50,000 merges "
                    + "and <|endoftext|> at 50256, got " + got + "); give it as --tokenizer bpe:DIR");
        }
        return t;
    }
}
