package seqlab.model;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import seqlab.tensor.CellType;
import seqlab.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sizes checked before anything is allocated: the parameter counts from a config equal the built models'. */
class FootprintTest {

    @Test
    void aLanguageModelsCountFromItsConfigIsTheBuiltModels() {
        int checked = 0;
        for (CellType cell : CellType.values()) {
            for (int layers : new int[] {1, 2, 3}) {
                for (int[] veh : new int[][] {{1, 1, 1}, {7, 5, 5}, {65, 16, 33}}) {
                    for (boolean tie : new boolean[] {false, true}) {
                        if (tie && veh[1] != veh[2]) {
                            continue;
                        }
                        RnnLmConfig c = new RnnLmConfig(cell, veh[0], veh[1], veh[2], layers, 0f, tie);
                        assertThat(RnnLanguageModel.parameterCount(c)).as(c.toString())
                                .isEqualTo(new RnnLanguageModel(c, new Rng(0)).parameterCount());
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(4 * 3 * 5);
    }

    @Test
    void aSeq2SeqModelsCountFromItsConfigIsTheBuiltModels() {
        List<String> checked = new ArrayList<>();
        for (CellType cell : new CellType[] {CellType.RNN_TANH, CellType.LSTM, CellType.GRU}) {
            for (Seq2SeqConfig.Attention a : Seq2SeqConfig.Attention.values()) {
                for (boolean bi : new boolean[] {false, true}) {
                    for (int layers : new int[] {1, 2}) {
                        for (boolean deep : new boolean[] {false, true}) {
                            if (bi && a == Seq2SeqConfig.Attention.LUONG_DOT) {
                                continue;
                            }
                            Seq2SeqConfig c = new Seq2SeqConfig(cell, a, 11, 9, 6, 5, layers, bi, 0f, 20, deep);
                            assertThat(Seq2Seq.parameterCount(c)).as(c.toString()).isEqualTo(new Seq2Seq(c, new Rng(0)).parameterCount());
                            checked.add(c.toString());
                        }
                    }
                }
            }
        }
        assertThat(checked).hasSize(3 * (6 * 2 - 1) * 2 * 2);
    }

    @Test
    void sizesThatCannotWorkAreRefusedWithTheFigures() {
        RnnLmConfig huge = new RnnLmConfig(CellType.LSTM, 65, 128, 20_000, 2, 0f, false);
        Footprint f = RnnLanguageModel.footprint(huge, 32, 128);
        assertThat(f.parameters()).isEqualTo(RnnLanguageModel.parameterCount(huge)).isGreaterThan(Integer.MAX_VALUE);
        assertThatThrownBy(() -> f.requireFits(4, "weights, gradients and adam's two moments", true, 6L << 30, "--hidden"))
                .hasMessageContaining("this model needs about ").hasMessageContaining(String.format("%,d parameters × 4 copies", f.parameters()))
                .hasMessageContaining("more than the 6.0 GB the Java heap has free").hasMessageContaining("use smaller sizes (--hidden)");
        Footprint modest = RnnLanguageModel.footprint(new RnnLmConfig(CellType.LSTM, 65, 128, 2_000, 1, 0f, false), 32, 128);
        assertThatThrownBy(() -> modest.requireFits(4, "w", true, 64L << 20, "--hidden"))
                .hasMessageContaining("more than the 64 MB the Java heap has free").hasMessageContaining("or a larger heap (SEQLAB_JAVA_OPTS=-Xmx");
        Footprint saturated = new Footprint(Long.MAX_VALUE, 10, 10);
        assertThatThrownBy(() -> saturated.requireFits(1, "weights", false, 1L << 30, "--hidden"))
                .hasMessageContaining("(more than 9.2e18 parameters × 1 copies").hasMessageNotContaining("-Xmx");
        assertThat(Footprint.mul(1L << 40, 1L << 40)).isEqualTo(Long.MAX_VALUE);
        assertThat(Footprint.add(Long.MAX_VALUE - 1, 5)).isEqualTo(Long.MAX_VALUE);
        RnnLmConfig wide = new RnnLmConfig(CellType.LSTM, 65, 128, 100_000_000, 1, 0f, false);
        assertThatThrownBy(() -> RnnLanguageModel.footprint(wide, 1, 1).requireFits(1, "weights", false, Long.MAX_VALUE, "--hidden"))
                .hasMessageContaining("one tensor of this model would hold 40,000,000,000,000,000 values, more than a Java array's");
        RnnLmConfig small = new RnnLmConfig(CellType.GRU, 65, 16, 32, 1, 0f, false);
        RnnLanguageModel.footprint(small, 32, 128).requireFits(4, "w", true, 64L << 20, "--hidden");   // fits in 64 MB: no exception
        assertThatThrownBy(() -> new RnnLanguageModel(wide, new Rng(0))).hasMessageContaining("a parameter of shape [400000000, 128] would hold 5.12e+10 values");
    }
}
