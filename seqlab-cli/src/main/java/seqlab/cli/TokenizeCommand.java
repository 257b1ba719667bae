package seqlab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.io.AtomicFiles;
import seqlab.io.InputFiles;
import seqlab.text.Tokenizer;
import seqlab.text.Tokenizers;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text on one line, separated by spaces (or, with --decode, the text of ids).")
final class TokenizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "PATH", description = "a tokenizer.json (seqlab's, or Hugging Face's "
            + "for a byte-level BPE), or a directory holding one (a model directory), OpenAI's encoder.json + vocab.bpe, or Hugging "
            + "Face's vocab.json + merges.txt; or gpt2, GPT-2's own from ../shared/data/gpt2-bpe (when no file of that name is here)")
    String tokenizer;

    static final class Input {
        @Option(names = "--text", paramLabel = "T", description = "the text (with --decode: the ids)")
        String text;

        @Option(names = "--file", paramLabel = "F", description = "a UTF-8 file holding it (a byte-level BPE keeps every byte, invalid "
                + "UTF-8 included, as its byte token; other tokenizers read an invalid sequence as U+FFFD)")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--decode", description = "read token ids separated by whitespace and print their text")
    boolean decode;

    @Option(names = "--output", paramLabel = "FILE", description = "write to FILE instead of printing: the ids' line, or with --decode "
            + "the decoded bytes exactly (a byte-level BPE's invalid UTF-8 included, where printing shows U+FFFD)")
    Path output;

    @Option(names = "--force", description = "overwrite an existing --output file")
    boolean force;

    @Override
    public Integer call() {
        if (output == null) {
            Options.onlyFor(spec, "--output", "--force");
        } else {
            OutputFile.check("--output", output, force);
        }
        Path path = Path.of(tokenizer);
        Tokenizer t = tokenizer.equals(Gpt2Tokenizer.NAME) && !Files.exists(path) ? Gpt2Tokenizer.read() : Tokenizers.read(path);
        PrintWriter out = spec.commandLine().getOut();
        if (decode) {
            String text = input.text != null ? input.text : new String(read(input.file), StandardCharsets.UTF_8);
            int[] ids = ids(text, t.vocabSize());
            emit(out, () -> t.decode(ids), () -> t.decodeBytes(ids));
        } else {
            int[] ids = input.text != null ? t.encode(input.text) : t.encode(read(input.file));      // a file's bytes as they are
            String line = String.join(" ", Arrays.stream(ids).mapToObj(Integer::toString).toList());
            emit(out, () -> line, () -> (line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return 0;
    }

    /** The printed line, or with --output the file's exact bytes. */
    private void emit(PrintWriter out, Supplier<String> printed, Supplier<byte[]> exact) {
        if (output == null) {
            out.println(printed.get());
        } else {
            byte[] bytes = exact.get();
            AtomicFiles.write(output, ch -> AtomicFiles.writeFully(ch, ByteBuffer.wrap(bytes)));
        }
    }

    private static byte[] read(Path file) {
        InputFiles.requireRegular(file, "a text file");
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Whitespace-separated ids, each in [0, vocab). */
    private static int[] ids(String text, int vocab) {
        String[] words = text.strip().isEmpty() ? new String[0] : text.strip().split("\\s+");
        int[] ids = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            try {
                ids[i] = Integer.parseInt(words[i]);
            } catch (NumberFormatException e) {
                throw new UserException("--decode reads token ids separated by spaces; word " + (i + 1) + " is '" + words[i] + "'");
            }
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new UserException("token id " + ids[i] + " (word " + (i + 1) + ") is out of range: the tokenizer has " + vocab
                        + " tokens, ids 0 to " + (vocab - 1));
            }
        }
        return ids;
    }
}
