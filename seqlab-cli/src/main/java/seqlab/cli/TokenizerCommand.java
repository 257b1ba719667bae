package seqlab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.text.BpeTrainer;
import seqlab.text.ByteLevelBpe;
import seqlab.text.Text;

@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "Tokenizers: train a byte-level BPE on a text.",
        subcommands = TokenizerCommand.Train.class)
final class TokenizerCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: train");
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train GPT-2's byte-level BPE on a UTF-8 text and write it to DIR as Hugging Face's tokenizer.json and as "
                    + "vocab.json + merges.txt (<|endoftext|> in the text separates documents).")
    static final class Train implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "FILE", description = "the training text (UTF-8)")
        Path data;

        @Option(names = "--vocab-size", defaultValue = "30000", paramLabel = "N",
                description = "tokens, the 256 byte symbols and <|endoftext|> included (default: ${DEFAULT-VALUE}, as Hugging Face's BpeTrainer)")
        int vocabSize;

        @Option(names = "--min-frequency", defaultValue = "1", paramLabel = "N",
                description = "merge only pairs seen at least N times (default: ${DEFAULT-VALUE}: every pair, as Hugging Face's 0)")
        int minFrequency;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "where tokenizer.json, vocab.json and merges.txt go")
        Path out;

        @Option(names = "--force", description = "overwrite those files in an existing DIR")
        boolean force;

        @Override
        public Integer call() {
            if (vocabSize < 257) {
                throw new UserException("--vocab-size must be at least 257 (256 byte symbols and " + ByteLevelBpe.END_OF_TEXT + "), got "
                        + vocabSize);
            }
            if (minFrequency < 1) {
                throw new UserException("--min-frequency must be >= 1, got " + minFrequency);
            }
            OutputFile.checkInDirectory("--out", out, ByteLevelBpe.FILES, force);
            String text = Text.readUtf8(data);
            long t0 = System.nanoTime();
            ByteLevelBpe bpe = BpeTrainer.train(text, vocabSize, minFrequency);
            double seconds = (System.nanoTime() - t0) / 1e9;
            try {
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + out + ": " + e.getMessage(), e);
            }
            bpe.write(out);
            int tokens = bpe.encode(text).length;
            spec.commandLine().getOut().printf(Locale.ROOT, "trained %,d tokens (%,d merges) on %s in %.1f s: %,d characters as %,d tokens "
                    + "(%.2f characters a token); wrote %s%n", bpe.vocabSize(), bpe.mergeCount(), data, seconds,
                    text.length(), tokens, (double) text.length() / Math.max(1, tokens), out.resolve("tokenizer.json"));
            return 0;
        }
    }
}
