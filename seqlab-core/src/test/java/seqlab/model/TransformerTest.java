package seqlab.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import seqlab.data.Pair;
import seqlab.data.PairBatcher;
import seqlab.data.Seq2SeqBatch;
import seqlab.decode.SamplingConfig;
import seqlab.decode.Translator;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.nn.transformer.Activation;
import seqlab.nn.transformer.Positional;
import seqlab.tensor.CrossEntropy;
import seqlab.tensor.Gradcheck;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.text.Vocabulary;
import seqlab.train.Seq2SeqEvaluation;
import seqlab.train.Seq2SeqTask;
import seqlab.train.TrainConfig;
import seqlab.train.Trainer;

/** The Transformer translator beyond PyTorch parity: cached decoding, beams, positions, learning, saving. */
class TransformerTest {

    static TransformerConfig config(Positional positional, boolean normFirst, float dropout) {
        return new TransformerConfig(16, 4, 2, 2, 32, dropout, Activation.RELU, normFirst, 1e-5f, Seq2SeqTest.TOK.source().size(),
                Seq2SeqTest.TOK.target().size(), positional, 40);
    }

    @ParameterizedTest(name = "{0}, norm_first {1}")
    @CsvSource({"sinusoidal,false", "learned,true", "rotary,false", "rotary,true", "none,false"})
    void cachedDecodingGivesTheLogitsOfTheFullForward(String positional, boolean normFirst) {
        Transformer m = new Transformer(config(Positional.fromId(positional), normFirst, 0.1f), new Rng(3));
        Seq2SeqBatch b = Seq2SeqTest.batch(0, 3);
        Tensor full = m.inference(() -> m.logits(b, new Rng(0)));                            // (B, T, V), teacher-forced
        int v = m.targetVocab();
        m.inference(() -> {
            TranslationModel.Decoding d = m.decode(b.source(), b.batch(), b.sourceLen(), b.sourceLengths(), false, new Rng(0));
            for (int t = 0; t < b.targetLen(); t++) {
                int[] tokens = new int[b.batch()];
                for (int r = 0; r < b.batch(); r++) {
                    tokens[r] = b.targetIn()[r * b.targetLen() + t];
                }
                float[] step = d.step(tokens, new Rng(0)).logits().data();
                for (int r = 0; r < b.batch(); r++) {
                    if (b.targetOut()[r * b.targetLen() + t] == Seq2SeqBatch.IGNORE) {
                        continue;                                                             // padding: the full pass hides it
                    }
                    float[] want = Arrays.copyOfRange(full.data(), (r * b.targetLen() + t) * v, (r * b.targetLen() + t + 1) * v);
                    assertThat(Arrays.copyOfRange(step, r * v, (r + 1) * v)).as("row %d step %d", r, t).containsExactly(want, within(2e-5f));
                }
            }
            return null;
        });
    }

    @Test
    void theCacheGrowsPastItsFirstCapacity() {
        Transformer m = new Transformer(new TransformerConfig(16, 4, 1, 1, 32, 0f, Activation.RELU, false, 1e-5f, 13, 11,
                Positional.SINUSOIDAL, 100), new Rng(9));
        int t = 2 * TransformerDecoding.FIRST_CAPACITY + 5;                                   // two doublings
        Rng rng = new Rng(10);
        int[] tin = new int[2 * t];
        int[] tout = new int[2 * t];
        for (int i = 0; i < tin.length; i++) {
            tin[i] = i % t == 0 ? Vocabulary.BOS : 4 + rng.nextInt(7);
            tout[i] = 4 + rng.nextInt(7);
        }
        Seq2SeqBatch b = new Seq2SeqBatch(new int[] {5, 6, 7, 3, 8, 3, 0, 0}, new int[] {4, 2}, tin, tout, 2, 4, t);
        Tensor full = m.inference(() -> m.logits(b, new Rng(0)));
        int v = 11;
        m.inference(() -> {
            TranslationModel.Decoding d = m.decode(b.source(), 2, 4, b.sourceLengths(), false, new Rng(0));
            for (int step = 0; step < t; step++) {
                float[] got = d.step(new int[] {tin[step], tin[t + step]}, new Rng(0)).logits().data();
                for (int r = 0; r < 2; r++) {
                    float[] want = Arrays.copyOfRange(full.data(), (r * t + step) * v, (r * t + step + 1) * v);
                    assertThat(Arrays.copyOfRange(got, r * v, (r + 1) * v)).as("row %d step %d", r, step).containsExactly(want, within(2e-5f));
                }
            }
            return null;
        });
    }

    @Test
    void reorderedRowsKeepTheirOwnCaches() {
        Transformer m = new Transformer(config(Positional.ROTARY, false, 0f), new Rng(8));
        Seq2SeqBatch b = Seq2SeqTest.batch(20, 2);
        int v = m.targetVocab();
        int t = b.targetLen();
        Tensor full = m.inference(() -> m.logits(b, new Rng(0)));
        m.inference(() -> {
            TranslationModel.Decoding d = m.decode(b.source(), 2, b.sourceLen(), b.sourceLengths(), true, new Rng(0));
            for (int step = 0; step < 2; step++) {
                d.step(new int[] {b.targetIn()[step], b.targetIn()[t + step]}, new Rng(0));
            }
            TranslationModel.Decoding picked = d.rows(new int[] {1, 1, 0});                      // as a beam reorders and repeats
            float[] got = picked.step(new int[] {b.targetIn()[t + 2], b.targetIn()[t + 2], b.targetIn()[2]}, new Rng(0)).logits().data();
            int[] from = {1, 1, 0};
            for (int i = 0; i < 3; i++) {
                float[] want = Arrays.copyOfRange(full.data(), (from[i] * t + 2) * v, (from[i] * t + 3) * v);
                assertThat(Arrays.copyOfRange(got, i * v, (i + 1) * v)).as("row %d", i).containsExactly(want, within(2e-5f));
            }
            return null;
        });
    }

    @Test
    void logitsDependOnTheInputsAloneNotOnTheTargets() {
        Transformer m = new Transformer(config(Positional.SINUSOIDAL, false, 0f), new Rng(6));
        Seq2SeqBatch b = Seq2SeqTest.batch(10, 4);
        int[] none = new int[b.targetOut().length];
        Arrays.fill(none, Seq2SeqBatch.IGNORE);
        Seq2SeqBatch inputsOnly = new Seq2SeqBatch(b.source(), b.sourceLengths(), b.targetIn(), none, b.batch(), b.sourceLen(), b.targetLen());
        assertThat(m.inference(() -> m.logits(inputsOnly, new Rng(0))).data()).containsExactly(m.inference(() -> m.logits(b, new Rng(0))).data());
    }

    @Test
    void greedyAndBeamDecodeSeveralSourcesAsEachAlone() {
        Transformer m = new Transformer(config(Positional.SINUSOIDAL, false, 0f), new Rng(4));
        Translator tr = new Translator(m);
        List<int[]> sources = new ArrayList<>();
        for (String s : List.of("1234", "98", "5550123")) {
            sources.add(Seq2SeqTest.TOK.encodeSource(s));
        }
        List<Translator.Translation> together = tr.decode(sources, 12, SamplingConfig.greedy(), new Rng(0));
        List<List<Translator.Translation>> beams = tr.beam(sources, 3, 12, 1.0);
        for (int i = 0; i < sources.size(); i++) {
            Translator.Translation alone = tr.decode(List.of(sources.get(i)), 12, SamplingConfig.greedy(), new Rng(0)).get(0);
            assertThat(together.get(i).tokens()).isEqualTo(alone.tokens());
            assertThat(together.get(i).heads()).isEqualTo(2 * 4);                             // layers × heads
            assertThat(together.get(i).attention()[0]).hasSize(8 * sources.get(i).length);
            List<Translator.Translation> beamAlone = tr.beam(sources.get(i), 3, 12, 1.0);
            for (int k = 0; k < beamAlone.size(); k++) {
                assertThat(beams.get(i).get(k).tokens()).isEqualTo(beamAlone.get(k).tokens());
            }
            float[][] head = together.get(i).head(5);
            for (float[] row : head) {                                                        // each head's weights sum to 1
                double sum = 0;
                for (float w : row) {
                    sum += w;
                }
                assertThat(sum).isCloseTo(1.0, within(1e-5));
            }
        }
    }

    @Test
    void labelSmoothingMatchesItsFormulaAndGradchecks() {
        Tensor z = Tensor.parameter(new float[] {0.3f, -1f, 2f, 0.5f, 1.5f, 0f, -0.5f, 0.2f}, 2, 4);
        Tensor l = CrossEntropy.mean(z, new int[] {2, 0}, -100, 0.2f);
        double want = 0;
        for (int r = 0; r < 2; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < 4; j++) {
                max = Math.max(max, z.data()[r * 4 + j]);
            }
            double sum = 0;
            for (int j = 0; j < 4; j++) {
                sum += Math.exp(z.data()[r * 4 + j] - max);
            }
            double lse = max + Math.log(sum);
            int y = r == 0 ? 2 : 0;
            double all = 0;
            for (int j = 0; j < 4; j++) {
                all += z.data()[r * 4 + j] - lse;
            }
            want += -(0.8 * (z.data()[r * 4 + y] - lse) + 0.2 * all / 4);
        }
        assertThat((double) l.item()).isCloseTo(want / 2, within(1e-6));
        Gradcheck.Report r = Gradcheck.check(() -> CrossEntropy.mean(z, new int[] {2, -100}, -100, 0.3f), List.of(z), 1e-2, 1e-4, 1e-3, 8, 1);
        assertThat(r.firstFailure()).isNull();
    }

    @Test
    void learnsToReverseSavesAndLoads(@TempDir Path dir) {
        TrainConfig cfg = new TrainConfig(400, 32, 1, "adamw", 3e-3f, "cosine", 40, 0.01f, 0.9f, 1f, 200, 1, 7);
        Transformer m = new Transformer(new TransformerConfig(32, 4, 2, 2, 64, 0f, Activation.RELU, true, 1e-5f,
                Seq2SeqTest.TOK.source().size(), Seq2SeqTest.TOK.target().size(), Positional.SINUSOIDAL, 40), new Rng(cfg.seed()));
        Seq2SeqTask task = new Seq2SeqTask(m, Seq2SeqTest.TOK, Seq2SeqTest.encode(Seq2SeqTest.TRAIN), Seq2SeqTest.encode(Seq2SeqTest.VAL),
                cfg.batch(), 1.0, 0.1f, cfg.seed());
        double before = task.validationLoss();
        double after = Trainer.start(task, Map.of("source", "test"), cfg, dir.resolve("run"), null).run();
        assertThat(before).isGreaterThan(2.0);
        assertThat(after).as("teacher-forced validation loss").isLessThan(0.5);
        Seq2SeqEvaluation.Report r = Seq2SeqEvaluation.evaluate(m, Seq2SeqTest.TOK, Seq2SeqTest.VAL.stream().map(Pair::source).toList(),
                Seq2SeqTest.VAL.stream().map(Pair::target).toList(), 64, 4);
        assertThat(r.accuracy().tokenAccuracy()).as("greedy token accuracy (chance 0.1)").isGreaterThan(0.7);
        assertThat(r.freeRunning().mean()).isFinite().isGreaterThanOrEqualTo(r.teacherForced().mean() - 0.05);

        ModelDirectory.Loaded.Translator loaded = ModelDirectory.loadTranslator(dir.resolve("run"), "test");
        assertThat(loaded.model().config()).isEqualTo(m.config());
        assertThat(ModelDirectory.capability(dir.resolve("run"))).isEqualTo(Capability.TRANSLATES);
        int[] src = Seq2SeqTest.TOK.encodeSource("12345");
        assertThat(new Translator(loaded.model()).beam(src, 3, 10, 1.0).get(0).tokens())
                .isEqualTo(new Translator(m).beam(src, 3, 10, 1.0).get(0).tokens());
    }

    @Test
    void configRoundTripsAndBadOnesSayWhatToChange() {
        TransformerConfig c = new TransformerConfig(24, 6, 3, 2, 40, 0.25f, Activation.GELU, true, 1e-6f, 50, 60, Positional.ROTARY, 77);
        assertThat(TransformerConfig.fromJson(new JsonFields(Json.parse(Json.writePretty(c.toJson())), "t"))).isEqualTo(c);
        assertThat(c.toJson().keySet()).containsExactly("architecture", "d_model", "nhead", "num_encoder_layers", "num_decoder_layers",
                "dim_feedforward", "dropout", "activation", "norm_first", "layer_norm_eps", "src_vocab_size", "tgt_vocab_size",
                "positional", "max_positions");
        Map<String, Object> bad = new java.util.LinkedHashMap<>(c.toJson());
        bad.put("nhead", 5);
        assertThatThrownBy(() -> ModelConfig.fromJson(new JsonFields(Json.parse(Json.writePretty(bad)), "config.json")))
                .hasMessageContaining("config.json: d_model 24 is not divisible by nhead 5");
        bad.put("nhead", 6);
        bad.put("positional", "alibi");
        assertThatThrownBy(() -> ModelConfig.fromJson(new JsonFields(Json.parse(Json.writePretty(bad)), "config.json")))
                .hasMessageContaining("positional encoding \"alibi\" is not one of sinusoidal, learned, rotary, none");
        Transformer learned = new Transformer(new TransformerConfig(8, 2, 1, 1, 8, 0f, Activation.RELU, false, 1e-5f, 9, 9,
                Positional.LEARNED, 4), new Rng(1));
        int[] five = {5, 6, 7, 8, Vocabulary.EOS};
        assertThatThrownBy(() -> learned.decode(five, 1, 5, new int[] {5}, false, new Rng(0)))
                .hasMessageContaining("a source of 5 tokens is longer than the model's max_positions 4");
        assertThatThrownBy(() -> learned.loss(PairBatcher.pad(List.of(new PairBatcher.Encoded(five, new int[] {5, 3}))), 0.5,
                new Rng(0), new Rng(0))).hasMessageContaining("teacher forcing 1");
    }
}
