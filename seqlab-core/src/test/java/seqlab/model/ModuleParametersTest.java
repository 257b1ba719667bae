package seqlab.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.nn.Module;
import seqlab.nn.Parameter;
import seqlab.nn.transformer.Activation;
import seqlab.nn.transformer.Positional;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;

/** Module.parameters() walks the tree without names: the distinct tensors of namedParameters(), in its order. */
class ModuleParametersTest {

    /** A module with parameters of its own around its children, one of them aliased from a child's. */
    private static final class Tree extends Module {
        final Parameter shared;

        Tree(int depth) {
            parameter("a", 2);
            Tree child = depth > 0 ? child("left", new Tree(depth - 1)) : null;
            shared = child != null ? child.shared : parameter("w", 3);
            if (depth > 0) {
                child("right", new Tree(depth - 1));
                alias("tied", shared);
            }
            parameter("b", 1);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void aTreeOfModulesGivesItsOwnParametersThenItsChildren(int depth) {
        check(new Tree(depth));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void parametersAreTheDistinctNamedOnesInOrder(boolean tied) {
        Module gpt = new Gpt(new GptConfig(11, 8, 8, 3, 2, 16, Activation.GELU_NEW, 0f, 0f, 0f, 1e-5f, tied, Positional.LEARNED,
                null, null), new Rng(3)).module();
        Module lstm = new RnnLanguageModel(new RnnLmConfig(CellType.LSTM, 9, 6, 6, 2, 0f, tied), new Rng(3)).module();
        for (Module m : List.of(gpt, lstm)) {
            check(m);
            assertThat(m.namedParameters().size() - m.parameters().size()).isEqualTo(tied ? 1 : 0);    // a tied tensor once
        }
    }

    private static void check(Module m) {
        List<Parameter> expected = new ArrayList<>();
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Parameter p : m.namedParameters().values()) {
            if (seen.add(p)) {
                expected.add(p);
            }
        }
        List<Parameter> got = m.parameters();
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isSameAs(expected.get(i));
        }
    }
}
