package seqlab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Corpus BLEU equals NLTK 3.8's corpus_bleu (defaults) on 35 fixed cases made by the fixture script. */
class BleuTest {

    @SuppressWarnings("unchecked")
    private static List<String> tokens(Object o) {
        return (List<String>) (List<?>) o;
    }

    @Test
    void equalsNltkCorpusBleu() throws IOException {
        JsonFields doc = new JsonFields(Json.parse(Files.readString(Fixtures.path("bleu_nltk.json"))), "bleu_nltk.json");
        int checked = 0;
        for (Object c : doc.list("cases")) {
            JsonFields cs = new JsonFields(c, "case " + checked);
            List<List<List<String>>> refs = new ArrayList<>();
            for (Object r : cs.list("refs")) {
                List<List<String>> set = new ArrayList<>();
                for (Object one : (List<?>) r) {
                    set.add(tokens(one));
                }
                refs.add(set);
            }
            List<List<String>> hyps = new ArrayList<>();
            for (Object h : cs.list("hyps")) {
                hyps.add(tokens(h));
            }
            double want = Double.parseDouble(cs.string("bleu"));
            double got = Bleu.corpus(refs, hyps);
            if (want == 0) {
                assertThat(got).as("case %d", checked).isZero();
            } else {                                          // relative: some cases are ~1e-78 (NLTK's method0)
                assertThat(Math.abs(got - want) / want).as("case %d: NLTK %s, seqlab %s", checked, want, got).isLessThan(1e-9);
            }
            checked++;
        }
        assertThat(checked).isEqualTo(35);
    }

    @Test
    void rejectsMisalignedInput() {
        assertThatThrownBy(() -> Bleu.corpus(List.of(), List.of(List.of("a")))).hasMessageContaining("0 reference sets for 1");
        assertThatThrownBy(() -> Bleu.corpus(List.of(List.of()), List.of(List.of("a")))).hasMessageContaining("no reference");
    }
}
