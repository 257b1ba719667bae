package seqlab.text;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import seqlab.io.Json;
import seqlab.io.JsonFields;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** BPE training: the most frequent pair first, ties by id, round trips, vocabulary sizes, bad sizes. */
class BpeTrainerTest {

    @Test
    void theMostFrequentPairIsMergedFirst() {
        // pieces: "aab" ×3 (pairs aa 3, ab 3), " ab" ×2 (Ġa 2, ab 2): ab (5) first, then a ab (3), then Ġ ab (2)
        ByteLevelBpe t = BpeTrainer.train("aab aab aab ab ab", 260, 1);
        List<String> vocab = t.vocab();
        assertThat(vocab.subList(256, vocab.size())).containsExactly("ab", "aab", "\u0120ab", ByteLevelBpe.END_OF_TEXT);
        assertThat(t.encode("aab ab")).containsExactly(t.id("aab"), t.id("\u0120ab"));
        assertThat(t.encode("x<|endoftext|>")).containsExactly(t.id("x"), 259);
    }

    @Test
    void theFirst256IdsAreGpt2sByteSymbolsInItsOrder() {
        ByteLevelBpe t = BpeTrainer.train("hello", 257, 1);
        assertThat(t.vocabSize()).isEqualTo(257);
        assertThat(t.token(0)).isEqualTo("!");
        assertThat(t.token(93)).isEqualTo("~");
        assertThat(t.token(94)).isEqualTo("\u00a1");
        assertThat(t.token(188)).isEqualTo("\u0100");                 // byte 0x00, the first byte that is not printable
        assertThat(t.token(256)).isEqualTo(ByteLevelBpe.END_OF_TEXT);
    }

    @Test
    void trainedTokenizersRoundTripAnyTextAndStopAtTheirSize() {
        Random rng = new Random(2);
        StringBuilder corpus = new StringBuilder();
        String[] words = {"the", "cat", "sat", "on", "mat", "caterpillar", "été", "数据", "12", "345", "!", "\n"};
        for (int i = 0; i < 3000; i++) {
            corpus.append(words[rng.nextInt(words.length)]).append(rng.nextInt(4) == 0 ? "  " : " ");
        }
        ByteLevelBpe t = BpeTrainer.train(corpus.toString(), 280, 2);
        assertThat(t.vocabSize()).isEqualTo(280);
        ByteLevelBpe full = BpeTrainer.train(corpus.toString(), 100_000, 2);
        assertThat(full.vocabSize()).as("every pair seen twice merged").isGreaterThan(280).isLessThan(400);
        assertThat(full.encode(" caterpillar")).hasSize(1);              // a frequent word becomes one token
        assertThat(full.vocab()).doesNotHaveDuplicates();
        String text = corpus.substring(0, 2000) + " unseen wörds ☃";
        assertThat(t.decode(t.encode(text))).isEqualTo(text);
        Tokenizer back = Tokenizers.fromJson(new JsonFields(Json.parse(Json.write(t.toJson())), "t.json"));
        assertThat(back.encode(text)).containsExactly(t.encode(text));
        ByteLevelBpe again = BpeTrainer.train(corpus.toString(), 280, 2);
        assertThat(again.vocab()).isEqualTo(t.vocab());                  // deterministic
    }

    @Test
    void trainingStopsWhenNoPairIsFrequentEnough() {
        ByteLevelBpe t = BpeTrainer.train("abcd", 1000, 2);
        assertThat(t.vocabSize()).isEqualTo(257);                        // every pair occurs once
        assertThat(BpeTrainer.train("abcd", 1000, 1).vocabSize()).isEqualTo(257 + 3);
    }

    @Test
    void badSizes() {
        assertThatThrownBy(() -> BpeTrainer.train("x", 256, 1))
                .hasMessage("the vocabulary size must be at least 257 (256 byte symbols and <|endoftext|>), got 256");
        assertThatThrownBy(() -> BpeTrainer.train("x", 300, 0)).hasMessage("the minimum pair frequency must be >= 1, got 0");
    }

    @org.junit.jupiter.api.Test
    void streamedIdsGiveWholeCharactersAndTheRestAtTheEnd() {
        ByteLevelBpe bpe = BpeTrainer.train("abc", 257, 1);                 // byte tokens only: a character is several ids
        String text = "a\u00e9\uD83D\uDE00b";                              // a é 😀 b: 1, 2, 4 and 1 bytes
        int[] ids = bpe.encode(text);
        org.assertj.core.api.Assertions.assertThat(ids).hasSize(8);
        StreamingDecoder d = bpe.streamingDecoder();
        java.util.List<String> pieces = new java.util.ArrayList<>();
        for (int id : ids) {
            pieces.add(d.next(id));
        }
        org.assertj.core.api.Assertions.assertThat(pieces).containsExactly("a", "", "\u00e9", "", "", "", "\uD83D\uDE00", "b");
        org.assertj.core.api.Assertions.assertThat(d.end()).isEmpty();
        StreamingDecoder cut = bpe.streamingDecoder();
        org.assertj.core.api.Assertions.assertThat(cut.next(ids[3]) + cut.next(ids[4])).isEmpty();   // two of 😀's four bytes
        org.assertj.core.api.Assertions.assertThat(cut.end()).isEqualTo("\uFFFD");
    }
}
