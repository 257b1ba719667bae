package seqlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seqlab.text.PairTokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TranslationDataTest {

    @TempDir
    Path dir;

    @Test
    void builtinTasksAreCharacterLevelWithDisjointSeeds() {
        TranslationData d = TranslationData.read("builtin:dates");
        assertThat(d.split()).isEqualTo(PairTokenizer.Split.CHARS);
        assertThat(d.train()).hasSize(20_000);
        assertThat(d.val()).hasSize(1_000);
        assertThat(d.test()).hasSize(1_000);
        assertThat(d.val()).isNotEqualTo(d.test());
        assertThat(TranslationData.read("builtin:dates").train()).isEqualTo(d.train());     // seeded
    }

    @Test
    void pairsFilesAreSplit90_5_5TheSameWayEveryTime() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            sb.append("source ").append(i).append('\t').append("target ").append(i).append('\n');
        }
        Path f = Files.writeString(dir.resolve("p.tsv"), sb);
        TranslationData d = TranslationData.read("pairs:" + f);
        assertThat(d.split()).isEqualTo(PairTokenizer.Split.WORDS);
        assertThat(d.train()).hasSize(180);
        assertThat(d.val()).hasSize(10);
        assertThat(d.test()).hasSize(10);
        Set<Pair> all = new HashSet<>(d.train());
        all.addAll(d.val());
        all.addAll(d.test());
        assertThat(all).hasSize(200);
        assertThat(TranslationData.read("pairs:" + f).test()).isEqualTo(d.test());
        Path small = Files.writeString(dir.resolve("s.tsv"), "a\tb\n");
        assertThatThrownBy(() -> TranslationData.read("pairs:" + small)).hasMessageContaining("1 pairs; at least 20");
    }

    @Test
    void alignedFilesAreSplitLikePairs() throws IOException {
        StringBuilder src = new StringBuilder();
        StringBuilder tgt = new StringBuilder();
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            src.append("quelle ").append(i).append('\n');
            tgt.append("source ").append(i).append('\n');
            tsv.append("quelle ").append(i).append('\t').append("source ").append(i).append('\n');
        }
        Path s = Files.writeString(dir.resolve("a.de"), src);
        Path t = Files.writeString(dir.resolve("a.en"), tgt);
        Path p = Files.writeString(dir.resolve("a.tsv"), tsv);
        TranslationData aligned = TranslationData.read("aligned:" + s + "," + t);
        TranslationData pairs = TranslationData.read("pairs:" + p);
        assertThat(aligned.split()).isEqualTo(PairTokenizer.Split.WORDS);
        assertThat(aligned.train()).hasSize(54).isEqualTo(pairs.train());
        assertThat(aligned.val()).isEqualTo(pairs.val());
        assertThat(aligned.test()).isEqualTo(pairs.test());
        assertThat(aligned.test().get(0).source()).startsWith("quelle ");
    }

    @Test
    void alignedFilesMustMatchLineForLine() throws IOException {
        Path s = Files.writeString(dir.resolve("m.de"), "a\nb\nc\n");
        Path t = Files.writeString(dir.resolve("m.en"), "a\nb\n");
        assertThatThrownBy(() -> TranslationData.read("aligned:" + s + "," + t)).hasMessageContaining("misaligned")
                .hasMessageContaining("m.de has 3 lines").hasMessageContaining("m.en has 2");
        for (String bad : new String[] {"aligned:" + s, "aligned:" + s + ",", "aligned:," + t, "aligned:" + s + "," + t + "," + t}) {
            assertThatThrownBy(() -> TranslationData.read(bad)).as(bad).hasMessageContaining("expected aligned:SOURCE,TARGET");
        }
    }

    @Test
    void badSpecsSayWhatIsExpected() throws IOException {
        assertThatThrownBy(() -> TranslationData.read("builtin:poems")).hasMessageContaining("unknown built-in task");
        assertThatThrownBy(() -> TranslationData.read("europarl:x")).hasMessageContaining("expected multi30k:DIR");
        assertThatThrownBy(() -> TranslationData.read("multi30k:/no/such/dir")).hasMessageContaining("is not a directory");
        Path m = Files.createDirectories(dir.resolve("m30k"));
        Files.writeString(m.resolve("train.de"), "a\nb\n");
        Files.writeString(m.resolve("train.en"), "a\n");
        assertThatThrownBy(() -> TranslationData.read("multi30k:" + m)).hasMessageContaining("misaligned")
                .hasMessageContaining("train.de has 2 lines").hasMessageContaining("train.en has 1");
        assertThatThrownBy(() -> TranslationData.read("builtin:dates").split("dev")).hasMessageContaining("train, val or test");
    }

    @Test
    void multi30kHasItsStandardSplits() {
        Path m = ParallelCorpusTest.SHARED.resolve("multi30k");
        Assumptions.assumeTrue(Files.isDirectory(m), "../shared/data/multi30k not present");
        TranslationData d = TranslationData.read("multi30k:" + m);
        assertThat(d.train()).hasSize(29_000);
        assertThat(d.val()).hasSize(1_014);
        assertThat(d.test()).hasSize(1_000);
        assertThat(d.train().get(0).source()).startsWith("Zwei junge weiße Männer");
    }
}
