package seqlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelCorpusTest {

    @TempDir
    Path dir;

    static final Path SHARED = Path.of("..", "..", "shared", "data");

    @Test
    void alignedFilesPairLineByLineAndRejectMisalignment() throws IOException {
        Path de = Files.writeString(dir.resolve("a.de"), "Ein Hund.\nZwei Katzen.\n");
        Path en = Files.writeString(dir.resolve("a.en"), "A dog.\r\nTwo cats.\n");
        assertThat(ParallelCorpus.alignedFiles(de, en)).containsExactly(new Pair("Ein Hund.", "A dog."), new Pair("Zwei Katzen.", "Two cats."));
        Path en3 = Files.writeString(dir.resolve("b.en"), "A dog.\nTwo cats.\nThree birds.\n");
        assertThatThrownBy(() -> ParallelCorpus.alignedFiles(de, en3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a.de has 2 lines").hasMessageContaining("b.en has 3");
    }

    @Test
    void tabSeparatedPairsAndTheTutorialsNormalisation() throws IOException {
        Path tsv = Files.writeString(dir.resolve("p.txt"), "I am cold.\tJ'ai froid.\tCC-BY\nGo.\tVa !\n");
        assertThat(ParallelCorpus.tabSeparated(tsv, true)).containsExactly(new Pair("J'ai froid.", "I am cold."), new Pair("Va !", "Go."));
        assertThat(ParallelCorpus.normalize("J'ai froid.")).isEqualTo("j ai froid .");
        assertThat(ParallelCorpus.normalize("  Ça va très bien!  ")).isEqualTo("ca va tres bien !");
        assertThat(ParallelCorpus.normalize("I'm 25 years old.")).isEqualTo("i m years old .");
        assertThat(ParallelCorpus.keepEngFra(new Pair("je suis froid .", "i am cold ."))).isTrue();
        assertThat(ParallelCorpus.keepEngFra(new Pair("va !", "go ."))).isFalse();
        assertThat(ParallelCorpus.keepEngFra(new Pair("a b c d e f g h i j", "i am ."))).isFalse();     // 10 words
        Path bad = Files.writeString(dir.resolve("bad.txt"), "no tab here\n");
        assertThatThrownBy(() -> ParallelCorpus.tabSeparated(bad, false)).hasMessageContaining("line 1 has no tab");
    }

    @Test
    void realCorporaLoad() {
        Path engFra = SHARED.resolve("eng-fra/eng-fra.txt");
        Path m30k = SHARED.resolve("multi30k");
        Assumptions.assumeTrue(Files.exists(engFra) && Files.isDirectory(m30k), "../shared/data is absent: skipped");
        List<Pair> tutorial = ParallelCorpus.engFraTutorial(engFra);
        // the tutorial's own Python (normalizeString, filterPairs, reversed pairs) keeps 10,922 pairs of this release
        assertThat(tutorial.size()).isEqualTo(10_922);
        assertThat(tutorial).allSatisfy(p -> assertThat(ParallelCorpus.ENG_PREFIXES.stream().anyMatch(p.target()::startsWith)).isTrue());
        assertThat(ParallelCorpus.alignedFiles(m30k.resolve("train.de"), m30k.resolve("train.en"))).hasSize(29_000);
        assertThat(ParallelCorpus.alignedFiles(m30k.resolve("val.de"), m30k.resolve("val.en"))).hasSize(1_014);
        assertThat(ParallelCorpus.alignedFiles(m30k.resolve("test2016.de"), m30k.resolve("test2016.en"))).hasSize(1_000);
    }
}
