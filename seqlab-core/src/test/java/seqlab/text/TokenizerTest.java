package seqlab.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.io.Json;
import seqlab.io.JsonFields;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizerTest {

    @TempDir
    Path dir;

    @Test
    void charTokenizerIsSortedCodePointsAndRoundTrips() {
        String text = "hello, wörld 🙂\nhi";
        CharTokenizer t = CharTokenizer.fit(text);
        assertThat(t.vocab()).startsWith("\n", " ", ",").contains("🙂", "ö");
        assertThat(t.decode(t.encode(text))).isEqualTo(text);
        assertThat(t.encode("")).isEmpty();
    }

    @Test
    void charTokenizerNamesAnUnknownCharacter() {
        CharTokenizer t = CharTokenizer.fit("abc");
        assertThatThrownBy(() -> t.encode("abz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'z' (U+007A) at position 2").hasMessageContaining("vocabulary of 3 characters");
        assertThatThrownBy(() -> t.decode(new int[] {3})).hasMessageContaining("token id 3 at position 0 is out of range [0, 3)");
    }

    @Test
    void wordTokenizerSplitsPunctuationCountsUnknownsAndRoundTrips() {
        String text = "The cat's hat.\nThe dog, the cat!\n";
        assertThat(WordTokenizer.split(text, false))
                .containsExactly("The", "cat's", "hat", ".", "<eos>", "The", "dog", ",", "the", "cat", "!", "<eos>");
    }

    @Test
    void wordTokenizerVocabularyAndUnknowns() {
        String text = "a b a c a b\nd";
        WordTokenizer t = WordTokenizer.fit(text, 2, 100, false);
        assertThat(t.vocab()).containsExactly("<unk>", "<eos>", "a", "b");
        int[] ids = t.encode("a c b z");
        assertThat(ids).containsExactly(2, 0, 3, 0);
        assertThat(t.unknownCount()).isEqualTo(2);
        assertThat(t.decode(t.encode("a b\nb a"))).isEqualTo("a b\nb a");
        assertThat(WordTokenizer.fit(text, 1, 3, true).vocab()).hasSize(3);
    }

    @Test
    void tokenizerJsonRoundTrips() {
        for (Tokenizer t : List.of(CharTokenizer.fit("xyz \n\"\\"), WordTokenizer.fit("Hello there , hello", 1, 100, true))) {
            Tokenizer back = Tokenizers.fromJson(new JsonFields(Json.parse(Json.writePretty(t.toJson())), "tokenizer.json"));
            assertThat(back.type()).isEqualTo(t.type());
            assertThat(back.vocab()).isEqualTo(t.vocab());
        }
    }

    @Test
    void malformedTokenizerJsonIsReported() {
        assertThatThrownBy(() -> Tokenizers.fromJson(new JsonFields(Json.parse("{\"type\":\"bpe\",\"vocab\":[]}"), "tokenizer.json")))
                .hasMessageContaining("tokenizer.json").hasMessageContaining("\"bpe\"");
        assertThatThrownBy(() -> Tokenizers.fromJson(new JsonFields(Json.parse("{\"type\":\"char\",\"vocab\":[\"a\",\"a\"]}"), "tokenizer.json")))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> Tokenizers.fromJson(new JsonFields(Json.parse("{\"type\":\"char\",\"vocab\":[\"ab\"]}"), "tokenizer.json")))
                .hasMessageContaining("not one character");
        assertThatThrownBy(() -> Tokenizers.fromJson(new JsonFields(Json.parse("{\"type\":\"char\",\"vocab\":[1]}"), "tokenizer.json")))
                .hasMessageContaining("must be a string");
    }

    @Test
    void readingTextRejectsBadFilesWithTheOffset() throws IOException {
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        assertThatThrownBy(() -> Text.readUtf8(empty)).hasMessageContaining("is empty");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'});
        assertThatThrownBy(() -> Text.readUtf8(latin1)).hasMessageContaining("not valid UTF-8")
                .hasMessageContaining("0xe9 at byte offset 3");
        assertThatThrownBy(() -> Text.readUtf8(dir)).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> Text.readUtf8(dir.resolve("nope.txt"))).hasMessageContaining("no such file");
        Path bom = Files.write(dir.resolve("bom.txt"), new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, 'h', 'i'});
        assertThat(Text.readUtf8(bom)).isEqualTo("hi");
    }

    @Test
    void terminalOutputEscapesControlCharacters() {
        assertThat(Text.forTerminal("a\u001b[2Jb\n\tc")).isEqualTo("a\\u001b[2Jb\n\tc");
        assertThat(Text.escape("a\nb")).isEqualTo("a\\nb");
    }
}
