package seqlab.data;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import seqlab.tensor.Rng;
import seqlab.text.Vocabulary;
import seqlab.text.WordTokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PairBatcherTest {

    @Test
    void vocabularyHasFixedSpecialsAndCountsUnknowns() {
        List<List<String>> sents = List.of(WordTokenizer.split("a dog runs .", true), WordTokenizer.split("a cat runs", true));
        Vocabulary v = Vocabulary.fit(sents, 1);
        assertThat(v.words()).startsWith("<pad>", "<unk>", "<bos>", "<eos>", "a", "runs");
        int[] ids = v.encode(List.of("a", "bird", "runs"), true);
        assertThat(ids).containsExactly(4, Vocabulary.UNK, 5, Vocabulary.EOS);
        assertThat(v.unknownCount()).isEqualTo(1);
        assertThat(v.decode(new int[] {Vocabulary.BOS, 4, 5, Vocabulary.EOS, 4})).containsExactly("a", "runs");
        assertThatThrownBy(() -> Vocabulary.fit(sents, 0)).hasMessageContaining(">= 1");
    }

    @Test
    void paddingMasksAndShiftedTargets() {
        Seq2SeqBatch b = PairBatcher.pad(List.of(
                new PairBatcher.Encoded(new int[] {5, 6, 3}, new int[] {7, 3}),
                new PairBatcher.Encoded(new int[] {8, 3}, new int[] {9, 10, 11, 3})));
        assertThat(b.sourceLen()).isEqualTo(3);
        assertThat(b.targetLen()).isEqualTo(4);
        assertThat(b.source()).containsExactly(5, 6, 3, 8, 3, 0);
        assertThat(b.sourceMask().visibleKeys(b.batch(), b.sourceLen())).containsExactly(true, true, true, true, true, false);
        assertThat(b.sourceLengths()).containsExactly(3, 2);
        assertThat(b.targetIn()).containsExactly(2, 7, 0, 0, 2, 9, 10, 11);
        assertThat(b.targetOut()).containsExactly(7, 3, -100, -100, 9, 10, 11, 3);
        assertThatThrownBy(() -> PairBatcher.pad(List.of(new PairBatcher.Encoded(new int[0], new int[] {3}))))
                .hasMessageContaining("empty source");
    }

    @Test
    void epochsCoverEveryPairOnceWithLittlePaddingAndAreSeeded() {
        Rng r = new Rng(1);
        List<PairBatcher.Encoded> pairs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = 2 + r.nextInt(30);
            int[] src = new int[n];
            src[n - 1] = 3;
            src[0] = 1000 + i;                                            // identifies the pair
            pairs.add(new PairBatcher.Encoded(src, new int[] {4, 3}));
        }
        List<Seq2SeqBatch> e1 = PairBatcher.epoch(pairs, 32, 8, new Rng(5));
        List<Seq2SeqBatch> e2 = PairBatcher.epoch(pairs, 32, 8, new Rng(5));
        assertThat(e1).hasSize(32).usingRecursiveComparison().isEqualTo(e2);
        long real = 0;
        long cells = 0;
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (Seq2SeqBatch b : e1) {
            for (int i = 0; i < b.batch(); i++) {
                seen.add(b.source()[i * b.sourceLen()]);
                real += b.sourceLengths()[i];
            }
            cells += (long) b.batch() * b.sourceLen();
        }
        assertThat(seen).hasSize(1000);
        assertThat((double) real / cells).as("share of real tokens").isGreaterThan(0.85);
    }
}
