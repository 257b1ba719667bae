package seqlab.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import seqlab.data.BuiltinTask;
import seqlab.data.Pair;
import seqlab.data.PairBatcher;
import seqlab.data.Seq2SeqBatch;
import seqlab.decode.SamplingConfig;
import seqlab.decode.Translator;
import seqlab.model.Seq2SeqConfig.Attention;
import seqlab.nn.Parameter;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.text.PairTokenizer;
import seqlab.text.Vocabulary;
import seqlab.train.Checkpoint;
import seqlab.train.Seq2SeqEvaluation;
import seqlab.train.Seq2SeqTask;
import seqlab.train.TrainConfig;
import seqlab.train.Trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Seq2seq behaviour beyond PyTorch parity: teacher forcing, decoding, saving, learning, resuming. */
class Seq2SeqTest {

    static final List<Pair> TRAIN = BuiltinTask.generate("reverse", 2000, 1);
    static final List<Pair> VAL = BuiltinTask.generate("reverse", 200, 2);
    static final PairTokenizer TOK = PairTokenizer.fit(PairTokenizer.Split.CHARS, TRAIN.stream().map(Pair::source).toList(),
            TRAIN.stream().map(Pair::target).toList(), 1);

    static Seq2SeqConfig config(Attention a, CellType cell, boolean bidirectional) {
        return new Seq2SeqConfig(cell, a, TOK.source().size(), TOK.target().size(), 8, 12, 1, bidirectional, 0f, 40);
    }

    static List<PairBatcher.Encoded> encode(List<Pair> pairs) {
        List<PairBatcher.Encoded> out = new ArrayList<>();
        for (Pair p : pairs) {
            out.add(new PairBatcher.Encoded(TOK.encodeSource(p.source()), TOK.encodeTarget(p.target())));
        }
        return out;
    }

    static Seq2SeqBatch batch(int from, int n) {
        return PairBatcher.pad(encode(TRAIN.subList(from, from + n)));
    }

    @Test
    void teacherForcingRatioIsSeededAndMixesTheTwoExtremes() {
        Seq2Seq m = new Seq2Seq(config(Attention.BAHDANAU, CellType.GRU, false), new Rng(5));
        Seq2SeqBatch b = batch(0, 6);
        float one = m.loss(b, 1.0, new Rng(1), new Rng(0)).item();
        float zero = m.loss(b, 0.0, new Rng(1), new Rng(0)).item();
        float half = m.loss(b, 0.5, new Rng(1), new Rng(0)).item();
        assertThat(m.loss(b, 0.5, new Rng(1), new Rng(0)).item()).isEqualTo(half);      // same seed, same coins
        assertThat(one).isNotEqualTo(zero);
        boolean differs = false;
        for (long seed = 2; seed < 8 && !differs; seed++) {                                  // other coins, another mix
            float h = m.loss(b, 0.5, new Rng(seed), new Rng(0)).item();
            differs = h != half;
            assertThat(h).isBetween(Math.min(one, zero) - 1f, Math.max(one, zero) + 1f);
        }
        assertThat(differs).isTrue();
        assertThatThrownBy(() -> m.loss(b, 1.5, new Rng(1), new Rng(0))).hasMessageContaining("teacher forcing ratio must be in [0, 1]");
    }

    @ParameterizedTest
    @EnumSource(Attention.class)
    void theLossSkipsPaddingExactlyAsTheFullLogitsDo(Attention a) {
        Seq2Seq m = new Seq2Seq(config(a, CellType.LSTM, false), new Rng(6));
        Seq2SeqBatch b = batch(10, 7);
        float viaLogits = m.loss(m.forward(b, 1.0, new Rng(1), new Rng(0)), b).item();
        assertThat(m.loss(b, 1.0, new Rng(1), new Rng(0)).item()).isCloseTo(viaLogits, within(1e-5f));
    }

    @ParameterizedTest
    @EnumSource(Attention.class)
    void batchedDecodingEqualsOneSentenceAtATime(Attention a) {
        Seq2Seq m = new Seq2Seq(config(a, CellType.GRU, a != Attention.LUONG_DOT), new Rng(7));
        Translator tr = new Translator(m);
        List<int[]> sources = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            sources.add(TOK.encodeSource(TRAIN.get(i).source()));                            // lengths 4 to 13: padding in the batch
        }
        List<Translator.Translation> batched = tr.decode(sources, 15, SamplingConfig.greedy(), new Rng(0));
        for (int i = 0; i < sources.size(); i++) {
            Translator.Translation alone = tr.decode(List.of(sources.get(i)), 15, SamplingConfig.greedy(), new Rng(0)).get(0);
            assertThat(batched.get(i).tokens()).as("sentence %d", i).isEqualTo(alone.tokens());
            Translator.Translation beam1 = tr.beam(sources.get(i), 1, 15, 0).get(0);
            assertThat(beam1.tokens()).as("beam width 1 is greedy, sentence %d", i).isEqualTo(alone.tokens());
            if (a.attends()) {
                for (float[] row : batched.get(i).attention()) {
                    assertThat(row).hasSize(sources.get(i).length);                          // no weight on padding
                    float sum = 0;
                    for (float w : row) {
                        sum += w;
                    }
                    assertThat(sum).isCloseTo(1f, within(1e-5f));
                }
                assertThat(beam1.attention()).hasNumberOfRows(beam1.tokens().length);
            } else {
                assertThat(batched.get(i).attention()).isNull();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Attention.class)
    void beamSearchOverManySourcesEqualsOneSourceAtATime(Attention a) {
        Seq2Seq m = new Seq2Seq(config(a, a.ordinal() % 2 == 0 ? CellType.LSTM : CellType.GRU, a != Attention.LUONG_DOT), new Rng(8));
        Translator tr = new Translator(m);
        List<int[]> sources = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            sources.add(TOK.encodeSource(TRAIN.get(i).source()));                            // different lengths: padding in the batch
        }
        List<List<Translator.Translation>> together = tr.beam(sources, 3, 12, 1.0);
        assertThat(together).hasSize(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            List<Translator.Translation> alone = tr.beam(sources.get(i), 3, 12, 1.0);
            assertThat(together.get(i)).as("sentence %d", i).hasSameSizeAs(alone);
            for (int k = 0; k < alone.size(); k++) {
                assertThat(together.get(i).get(k).tokens()).as("sentence %d, hypothesis %d", i, k).isEqualTo(alone.get(k).tokens());
                if (a.attends()) {
                    float[][] rows = together.get(i).get(k).attention();
                    for (int t = 0; t < rows.length; t++) {
                        assertThat(rows[t]).hasSize(sources.get(i).length);
                        assertThat(rows[t]).containsExactly(alone.get(k).attention()[t], within(1e-6f));
                    }
                }
            }
        }
        assertThat(tr.beam(List.of(), 3, 12, 1.0)).isEmpty();
    }

    @Test
    void luongDotNeedsEqualSizes() {
        assertThatThrownBy(() -> config(Attention.LUONG_DOT, CellType.GRU, true)).hasMessageContaining("luong-general");
    }

    @Test
    void learnsToReverseAndResumesBitForBit(@TempDir Path dir) {
        TrainConfig cfg = new TrainConfig(300, 32, 1, "adamw", 1e-2f, "cosine", 20, 0f, 0.9f, 1f, 100, 1, 11);
        Seq2Seq m = new Seq2Seq(config(Attention.BAHDANAU, CellType.GRU, true), new Rng(cfg.seed()));
        Seq2SeqTask task = new Seq2SeqTask(m, TOK, encode(TRAIN), encode(VAL), cfg.batch(), 0.5, cfg.seed());
        double before = task.validationLoss();
        double after = Trainer.start(task, Map.of("source", "test"), cfg, dir.resolve("run"), null).run();
        assertThat(before).isGreaterThan(2.0);
        assertThat(after).as("teacher-forced validation loss").isLessThan(0.6);
        Seq2SeqEvaluation.Report r = Seq2SeqEvaluation.evaluate(m, TOK, VAL.stream().map(Pair::source).toList(),
                VAL.stream().map(Pair::target).toList(), 64, 4);
        assertThat(r.accuracy().tokenAccuracy()).isGreaterThan(0.7);
        assertThat(r.freeRunning().mean()).isGreaterThanOrEqualTo(r.teacherForced().mean() - 0.05);

        // saved directory gives the same model
        ModelDirectory.Loaded.Translator loaded = ModelDirectory.loadTranslator(dir.resolve("run"), "test");
        assertThat(loaded.model().config()).isEqualTo(m.config());
        int[] src = TOK.encodeSource("12345");
        assertThat(new Translator(loaded.model()).beam(src, 3, 10, 1.0).get(0).tokens())
                .isEqualTo(new Translator(m).beam(src, 3, 10, 1.0).get(0).tokens());

        // 8 steps straight == 4, stop, resume, 4 more
        TrainConfig small = new TrainConfig(8, 16, 1, "adamw", 1e-2f, "constant", 0, 0f, 0.9f, 1f, 4, 1, 3);
        Seq2Seq a = trainFresh(small, dir.resolve("a"), 8);
        Seq2Seq b = trainFresh(small, dir.resolve("b"), 4);
        Trainer.Saved saved = Trainer.readCheckpoint(Checkpoint.latest(dir.resolve("b")));
        Seq2Seq resumed = new Seq2Seq(b.config(), new Rng(99));
        Trainer.resume(saved, new Seq2SeqTask(resumed, TOK, encode(TRAIN.subList(0, 100)), encode(VAL), 16, 0.5, small.seed()),
                small, dir.resolve("b"), null).run();
        for (Map.Entry<String, Parameter> e : a.namedParameters().entrySet()) {
            assertThat(resumed.namedParameters().get(e.getKey()).data()).as(e.getKey()).isEqualTo(e.getValue().data());
        }
    }

    private static Seq2Seq trainFresh(TrainConfig cfg, Path out, long until) {
        Seq2Seq m = new Seq2Seq(new Seq2SeqConfig(CellType.LSTM, Attention.LUONG_GENERAL, TOK.source().size(), TOK.target().size(),
                8, 12, 2, true, 0.2f, 40), new Rng(cfg.seed()));
        Seq2SeqTask task = new Seq2SeqTask(m, TOK, encode(TRAIN.subList(0, 100)), encode(VAL), 16, 0.5, cfg.seed());
        Trainer.start(task, Map.of("source", "test"), cfg, out, null).runUntil(until);
        return m;
    }

    @Test
    void configAndTokenizerRoundTripThroughJson() {
        Seq2SeqConfig c = new Seq2SeqConfig(CellType.LSTM, Attention.LUONG_CONCAT, 50, 60, 7, 9, 3, true, 0.25f, 77, false);
        assertThat(Seq2SeqConfig.fromJson(new seqlab.io.JsonFields(seqlab.io.Json.parse(seqlab.io.Json.writePretty(c.toJson())), "t")))
                .isEqualTo(c);
        PairTokenizer back = PairTokenizer.fromJson(new seqlab.io.JsonFields(seqlab.io.Json.parse(seqlab.io.Json.writePretty(TOK.toJson())), "t"));
        assertThat(back.source().words()).isEqualTo(TOK.source().words());
        assertThat(back.target().words()).isEqualTo(TOK.target().words());
        assertThat(back.encodeSource("9081")).isEqualTo(TOK.encodeSource("9081"));
        assertThat(back.encodeSource("9x")).containsExactly(back.source().words().indexOf("9"), Vocabulary.UNK, Vocabulary.EOS);
    }
}
