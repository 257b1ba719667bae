package seqlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.io.Safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static seqlab.cli.CliTest.assertUserError;
import static seqlab.cli.CliTest.run;

/** info describes every kind of model directory the project can load, and a bare safetensors file. */
class InfoCliTest {

    @TempDir
    Path dir;

    CliTest.Run info(Path p) {
        CliTest.Run r = run("info", p.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        return r;
    }

    @Test
    void languageModelsWithEachTokenizerAndWithout() throws IOException {
        Path chars = dir.resolve("chars");
        assertThat(run(CliTest.tinyTrain(chars)).code()).isZero();
        assertThat(info(chars).out()).contains("\"architecture\": \"rnn-lm\"").contains("tokenizer.json: char, 34 tokens")
                .contains("parameters: ");
        Path words = dir.resolve("words");
        assertThat(run(CliTest.tinyTrain(words, "--tokenizer", "word", "--min-freq", "3")).code()).isZero();
        assertThat(info(words).out()).containsPattern("tokenizer.json: word, [0-9,]+ tokens");
        Path ids = dir.resolve("ids-only");
        CliTest.copyDir(chars, ids);
        Files.delete(ids.resolve("tokenizer.json"));
        assertThat(info(ids).out()).contains("tokenizer.json: none (the model runs on token ids)");
        Path tied = dir.resolve("tied");
        String[] tiedArgs = CliTest.tinyTrain(tied, "--tie");
        tiedArgs[java.util.Arrays.asList(tiedArgs).indexOf("--hidden") + 1] = "8";                // = --embed
        assertThat(run(tiedArgs).code()).isZero();
        assertThat(info(tied).out()).containsPattern("parameters: [0-9,]+ \\([0-9,]+ values in the file: tied weights are stored under both names\\)");
    }

    @Test
    void seq2seqModelsOfCharactersAndOfWords() throws IOException {
        Path chars = dir.resolve("s2s-chars");
        assertThat(run(Seq2SeqCliTest.tiny(chars, "luong-general")).code()).isZero();
        CliTest.Run c = info(chars);
        assertThat(c.out()).contains("\"architecture\": \"seq2seq\"").contains("\"attention\": \"luong-general\"")
                .containsPattern("tokenizer.json: pair of chars, [0-9]+ source / [0-9]+ target tokens").contains("attention.attn.weight")
                .containsPattern("parameters: [0-9,]+\n");
        StringBuilder de = new StringBuilder();
        StringBuilder en = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            de.append("ein hund ").append(i % 5).append('\n');
            en.append("a dog ").append(i % 5).append('\n');
        }
        Path src = Files.writeString(dir.resolve("w.de"), de);
        Path tgt = Files.writeString(dir.resolve("w.en"), en);
        Path words = dir.resolve("s2s-words");
        assertThat(run(Seq2SeqCliTest.tiny(words, "none", "--data", "aligned:" + src + "," + tgt)).code()).isZero();
        assertThat(info(words).out()).containsPattern("tokenizer.json: pair of words, [0-9]+ source / [0-9]+ target tokens");
    }

    @Test
    void aSafetensorsFileOfDataCountsValuesNotParameters() throws IOException {
        Path f = dir.resolve("ids.safetensors");
        Safetensors.write(f, Map.of("input_ids", Safetensors.Entry.i64(new long[] {1, 2, 3, 4, 5, 6}, 2, 3)), Map.of());
        assertThat(info(f).out()).contains("values: 6").doesNotContain("parameters");
    }

    @Test
    void aConfigThatIsNotAnObjectNamesItsFileOnce() throws IOException {
        Path m = dir.resolve("broken");
        Files.createDirectories(m);
        Files.writeString(m.resolve("config.json"), "[1, 2]");
        CliTest.Run r = run("info", m.toString());
        assertUserError(r, m.resolve("config.json") + ": expected a JSON object at the top level");
        assertThat(r.err().split(m.resolve("config.json").toString(), -1)).hasSize(2);
    }
}
