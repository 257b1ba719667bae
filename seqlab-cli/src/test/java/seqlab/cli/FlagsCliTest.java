package seqlab.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static seqlab.cli.CliTest.assertUserError;
import static seqlab.cli.CliTest.run;

/** A flag given where it has no effect is refused, naming where it belongs; every --help is clean and says which flags go where. */
class FlagsCliTest {

    @TempDir
    static Path dir;

    static TinyModels models;

    @BeforeAll
    static void models() {
        models = TinyModels.trainIn(dir);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "train --attention luong-dot|--attention applies to seq2seq models (--arch seq2seq) only",
            "train --cell lstm|--cell applies to seq2seq models",
            "train --bidirectional|--bidirectional applies to seq2seq models",
            "train --teacher-forcing 2|--teacher-forcing applies to seq2seq models",
            "train --max-length 50|--max-length applies to seq2seq models",
            "train --arch seq2seq --tie|--tie applies to language models (--arch gpt, rnn, rnn_relu, lstm or gru) only",
            "train --arch seq2seq --seq 64|--seq applies to language models",
            "train --arch seq2seq --tokenizer word|--tokenizer applies to language models",
            "train --arch seq2seq --eval-batches 3|--eval-batches applies to language models",
            "train --min-freq 2|--min-freq applies to word vocabularies (--tokenizer word, or seq2seq) only",
            "train --momentum 0.9|--momentum applies to --optimizer sgd only",
            "train --optimizer adam --momentum 0.9|--momentum applies to --optimizer sgd only",
            "train --schedule constant --warmup 10|--warmup applies to --schedule cosine or inverse-sqrt only"})
    void trainRefusesFlagsOfAnotherArchitectureOrSetting(String args, String message) {
        List<String> a = new ArrayList<>(List.of(args.split(" ")));
        a.addAll(List.of("--out", dir.resolve("never").toString()));
        assertUserError(run(a.toArray(new String[0])), message);
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void generateTranslateAndEvalRefuseFlagsOfAnotherMode() {
        String m = models.lm().toString();
        String t = models.translator().toString();
        assertUserError(run("generate", "--model", m, "--prompt", "a", "--temperature", "0", "--top-k", "5"),
                "--top-k applies to sampling (--temperature > 0) only");
        assertUserError(run("generate", "--model", m, "--prompt", "a", "--temperature", "0", "--seed", "5"), "--seed applies to sampling");
        assertUserError(run("translate", "--model", t, "--text", "12", "--top-p", "0.9"), "--top-p applies to sampling (--temperature > 0) only");
        assertUserError(run("translate", "--model", t, "--text", "12", "--alpha", "0.6"), "--alpha applies to beam search (--beam > 1) only");
        assertUserError(run("eval", "--model", m, "--data", "builtin:sentences", "--beam", "5"), "--beam applies to seq2seq models");
        assertUserError(run("eval", "--model", m, "--data", "builtin:sentences", "--split", "val"), "--split applies to seq2seq models");
        assertUserError(run("eval", "--model", t, "--seq", "64"), "--seq applies to language models");
        CliTest.Run ok = run("translate", "--model", t, "--text", "12", "--beam", "3", "--alpha", "0.6");
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "generate", "translate", "eval", "forward", "info", "bench", "demo", "lab"})
    void everyHelpPrintsToStdoutAndNothingElse(String command) {
        CliTest.Run r = run(command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("Usage: seqlab " + command).doesNotContain("Warning").doesNotContain("%n");
    }

    /**
     * picocli formats descriptions with String.format and warns on the JVM's own stderr (not the
     * command's) when one does not format, as "(last 10%)" did: render every command's help with
     * that stream captured.
     */
    @Test
    void everyHelpFormatsWithoutPicocliWarnings() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        List<String> rendered = new ArrayList<>();
        java.io.ByteArrayOutputStream bad = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(bad, true, java.nio.charset.StandardCharsets.UTF_8));
            new picocli.CommandLine(new Unescaped()).getUsageMessage();              // the capture sees what it must catch
            System.setErr(new java.io.PrintStream(raw, true, java.nio.charset.StandardCharsets.UTF_8));
            for (picocli.CommandLine sub : new picocli.CommandLine(new Main()).getSubcommands().values()) {
                rendered.add(sub.getUsageMessage());
            }
        } finally {
            System.setErr(saved);
        }
        assertThat(bad.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("picocli WARN");
        assertThat(rendered).hasSizeGreaterThanOrEqualTo(9);
        assertThat(raw.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
    }

    @picocli.CommandLine.Command(name = "unescaped")
    static final class Unescaped {
        @picocli.CommandLine.Option(names = "--x", description = "its last 10% is evaluated")
        String x;
    }

    @Test
    void trainsHelpSaysWhichFlagsBelongToWhichArchitecture() {
        String help = run("train", "--help").out();
        int lmHeading = help.indexOf("Language models only (--arch rnn, rnn_relu, lstm, gru):");
        int s2sHeading = help.indexOf("Seq2seq only (--arch seq2seq):");
        int optHeading = help.indexOf("Optimization (defaults as PyTorch's torch.optim where it has one):");
        assertThat(lmHeading).isPositive();
        assertThat(s2sHeading).isGreaterThan(lmHeading);
        assertThat(optHeading).isGreaterThan(s2sHeading);
        assertThat(help.substring(lmHeading, s2sHeading)).contains("--tie").contains("--seq=").doesNotContain("--attention");
        assertThat(help.substring(s2sHeading, optHeading)).contains("--attention=").contains("--teacher-forcing=").doesNotContain("--tie");
        assertThat(help.substring(optHeading)).contains("--momentum=").contains("--warmup=").contains("--weight-decay=");
        assertThat(run("eval", "--help").out()).contains("(last 10%)").contains("last 10%");
    }

    @Test
    void unknownPromptWordsAreSaidOnce() {
        Path words = dir.resolve("words");
        CliTest.Run t = run(CliTest.tinyTrain(words, "--tokenizer", "word"));
        assertThat(t.code()).as(t.err()).isZero();
        CliTest.Run g = run("generate", "--model", words.toString(), "--prompt", "the zzyzx qwxz zzyzx", "--tokens", "3");
        assertThat(g.code()).as(g.err()).isZero();
        assertThat(g.err().lines().toList()).hasSize(2).first().isEqualTo(
                "seqlab: 2 prompt words are not in the model's vocabulary and will be read as <unk>: zzyzx qwxz");
        assertThat(g.err().lines().toList().get(1)).matches("seqlab: 3 new tokens in [0-9.]+ s \\(prompt of 4 read in one pass\\): [0-9.]+ tokens/s");
    }
}
