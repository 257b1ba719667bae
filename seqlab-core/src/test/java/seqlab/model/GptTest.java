package seqlab.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import seqlab.decode.Generator;
import seqlab.decode.SamplingConfig;
import seqlab.nn.transformer.Activation;
import seqlab.nn.transformer.Positional;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.testing.Fixtures;
import seqlab.train.AdamW;

/** GPT's generation with a key/value cache against recomputing the whole window, left padding, the context window, and learning. */
class GptTest {

    static Gpt model(int positions, Positional positional, long seed) {
        GptConfig c = new GptConfig(19, positions, 16, 2, 4, 40, Activation.GELU_NEW, 0f, 0f, 0f, 1e-5f, true, positional, null, null);
        Gpt m = new Gpt(c, new Rng(seed));
        for (var p : m.parameters()) {                      // larger weights than GPT-2's init, so that tokens differ
            for (int i = 0; i < p.size(); i++) {
                p.data()[i] *= 8;
            }
        }
        m.train(false);
        return m;
    }

    /** Logits (V) of the next token after {@code ids}, from the last P of them read afresh: nanoGPT's generate without a cache. */
    static float[] recomputed(Gpt m, int[] ids) {
        int p = m.config().nPositions();
        int[] window = Arrays.copyOfRange(ids, Math.max(0, ids.length - p), ids.length);
        float[] all = m.inference(() -> m.logits(window, 1, window.length, new Rng(0))).data();
        int v = m.vocabSize();
        return Arrays.copyOfRange(all, (window.length - 1) * v, window.length * v);
    }

    @ParameterizedTest(name = "P {0}, {1}, prompt {2}, {3} new")
    @CsvSource({"32, learned, 1, 12", "32, learned, 5, 20", "8, learned, 3, 20", "8, learned, 8, 5", "8, rotary, 3, 20",
            "1, learned, 1, 4", "16, rotary, 7, 3"})
    void cachedGenerationGivesTheLogitsAndTokensOfRecomputing(int positions, String positional, int promptLength, int count) {
        Gpt m = model(positions, Positional.fromId(positional), 3);
        Rng r = new Rng(11);
        int[] prompt = new int[promptLength];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = r.nextInt(19);
        }
        LanguageModel.Generation g = m.generate(new int[][] {prompt}, count, new Rng(0));
        int[] seen = prompt;
        for (int i = 0; i < count; i++) {
            Fixtures.assertClose("step " + i, recomputed(m, seen), g.logits(), 2e-5, 2e-4);
            int next = seqlab.kernel.Vec.argmax(19, g.logits(), 0);
            seen = Arrays.copyOf(seen, seen.length + 1);
            seen[seen.length - 1] = next;
            g.step(new int[] {next}, new Rng(0));
        }
        int[] greedy = Generator.generate(m, prompt, count, SamplingConfig.greedy(), new Rng(0), null);
        assertThat(greedy).isEqualTo(Arrays.copyOfRange(seen, prompt.length, seen.length));
    }

    @ParameterizedTest(name = "P {0}, {1}")
    @CsvSource({"32, learned", "12, learned", "32, rotary", "12, rotary"})
    void leftPaddedRowsGiveWhatEachGivesAlone(int positions, String positional) {
        Gpt m = model(positions, Positional.fromId(positional), 5);
        int[][] prompts = {{3, 1, 4, 1, 5, 9, 2}, {6}, {5, 3, 5}, {8, 9, 7, 9, 3, 2, 3}};
        int count = 14;                                                   // past P = 12: the window is cropped
        LanguageModel.Generation batch = m.generate(prompts, count, new Rng(0));
        LanguageModel.Generation[] alone = new LanguageModel.Generation[prompts.length];
        for (int r = 0; r < prompts.length; r++) {
            alone[r] = m.generate(new int[][] {prompts[r]}, count, new Rng(0));
        }
        for (int step = 0; step < count; step++) {
            int[] next = new int[prompts.length];
            for (int r = 0; r < prompts.length; r++) {
                float[] row = Arrays.copyOfRange(batch.logits(), r * 19, (r + 1) * 19);
                // alone, a row's products take the one-row GEMM path, which sums in another order: float noise on logits of ~10
                Fixtures.assertClose("row " + r + " step " + step, alone[r].logits(), row, 3e-4, 2e-4);
                next[r] = seqlab.kernel.Vec.argmax(19, row, 0);
                alone[r].step(new int[] {next[r]}, new Rng(0));
            }
            batch.step(next, new Rng(0));
        }
    }

    @Test
    void aCacheSizedForOneTokenGrowsWithThePadsHidden() {
        Gpt m = model(32, Positional.LEARNED, 6);
        int[][] prompts = {{3, 1, 4, 1}, {6}};
        LanguageModel.Generation batch = m.generate(prompts, 1, new Rng(0));     // room for one more token; then it grows
        LanguageModel.Generation alone = m.generate(new int[][] {prompts[1]}, 1, new Rng(0));
        for (int step = 0; step < 10; step++) {
            Fixtures.assertClose("padded row, step " + step, alone.logits(), Arrays.copyOfRange(batch.logits(), 19, 38), 3e-4, 2e-4);
            int next = seqlab.kernel.Vec.argmax(19, alone.logits(), 0);
            batch.step(new int[] {next, next}, new Rng(0));
            alone.step(new int[] {next}, new Rng(0));
        }
    }

    @Test
    void rowsReorderTheCache() {
        Gpt m = model(32, Positional.LEARNED, 7);
        LanguageModel.Generation g = m.generate(new int[][] {{1, 2, 3}, {4, 5}}, 4, new Rng(0));
        LanguageModel.Generation picked = g.rows(new int[] {1, 1, 0});
        LanguageModel.Generation alone = m.generate(new int[][] {{4, 5}}, 4, new Rng(0));
        picked.step(new int[] {7, 7, 8}, new Rng(0));
        alone.step(new int[] {7}, new Rng(0));
        Fixtures.assertClose("picked row", alone.logits(), Arrays.copyOfRange(picked.logits(), 0, 19), 2e-5, 2e-4);
        Fixtures.assertClose("picked again", alone.logits(), Arrays.copyOfRange(picked.logits(), 19, 38), 2e-5, 2e-4);
        assertThatThrownBy(() -> g.step(new int[] {1, 1}, new Rng(0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("use the generation rows() returned");
    }

    /** Rows in the same count reorder the caches in place: a swap, then each row goes on as the other did. */
    @Test
    void rowsOfTheSameCountReorderTheCacheInPlace() {
        Gpt m = model(32, Positional.LEARNED, 7);
        LanguageModel.Generation g = m.generate(new int[][] {{1, 2, 3}, {4, 5, 6}}, 4, new Rng(0));
        LanguageModel.Generation first = m.generate(new int[][] {{1, 2, 3}}, 4, new Rng(0));
        LanguageModel.Generation second = m.generate(new int[][] {{4, 5, 6}}, 4, new Rng(0));
        for (int step = 0; step < 3; step++) {
            g = g.rows(new int[] {1, 0});                                            // swap: row 0 is now the second prompt's
            LanguageModel.Generation t = first;
            first = second;
            second = t;
            g.step(new int[] {7 + step, 9}, new Rng(0));
            first.step(new int[] {7 + step}, new Rng(0));
            second.step(new int[] {9}, new Rng(0));
            Fixtures.assertClose("row 0, step " + step, first.logits(), Arrays.copyOfRange(g.logits(), 0, 19), 2e-5, 2e-4);
            Fixtures.assertClose("row 1, step " + step, second.logits(), Arrays.copyOfRange(g.logits(), 19, 38), 2e-5, 2e-4);
        }
    }

    @Test
    void badPromptsAreRefused() {
        Gpt m = model(8, Positional.LEARNED, 1);
        assertThatThrownBy(() -> m.generate(new int[][] {{}}, 3, new Rng(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prompt has no tokens; give at least one token to start from");
        assertThatThrownBy(() -> m.generate(new int[][] {new int[9]}, 3, new Rng(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a prompt of 9 tokens is longer than the model's context window, n_positions 8; give at most 8 tokens");
        assertThatThrownBy(() -> m.generate(new int[][] {{19}}, 3, new Rng(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token id 19 is outside the model's vocabulary [0, 19)");
        assertThatThrownBy(() -> m.logits(new int[9], 1, 9, new Rng(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than the model's context window, n_positions 8");
    }

    @Test
    void learnsARepeatingSequence() {
        GptConfig c = GptConfig.of(7, 16, 32, 2, 4, 0f);
        Gpt m = new Gpt(c, new Rng(1));
        int batch = 4;
        int time = 12;
        int[] ids = new int[batch * time];
        int[] targets = new int[batch * time];
        AdamW opt = new AdamW(m.parameters(), 0.9, 0.99, 1e-8, 0.1f, true, true);
        Rng r = new Rng(2);
        float last = 0;
        for (int step = 0; step < 150; step++) {
            for (int b = 0; b < batch; b++) {
                int start = r.nextInt(7);
                for (int t = 0; t < time; t++) {
                    ids[b * time + t] = (start + t) % 7;                 // 0 1 2 … 6 0 1 …
                    targets[b * time + t] = (start + t + 1) % 7;
                }
            }
            opt.zeroGrad();
            Tensor loss = m.loss(ids, targets, batch, time, new Rng(step));
            last = loss.item();
            loss.backward();
            opt.step(3e-3f);
        }
        assertThat(last).isLessThan(0.05f);                               // ln 7 = 1.95 at the start
        int[] out = Generator.generate(m, new int[] {3}, 10, SamplingConfig.greedy(), new Rng(0), null);
        assertThat(out).containsExactly(4, 5, 6, 0, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void lossByPositionAveragesToTheExactLossOverTheSameWindows() {
        Gpt m = model(16, Positional.LEARNED, 9);
        Rng r = new Rng(4);
        int[] split = new int[5 * 16 + 1];                                   // five whole windows
        for (int i = 0; i < split.length; i++) {
            split[i] = r.nextInt(19);
        }
        double[] byPosition = seqlab.train.Evaluation.lossByPosition(m, split, 16, 100, 2);
        assertThat(byPosition).hasSize(16);
        double mean = Arrays.stream(byPosition).average().orElseThrow();
        assertThat(mean).isCloseTo(seqlab.train.Evaluation.full(m, split, 16).mean(), org.assertj.core.data.Offset.offset(1e-5));
        assertThatThrownBy(() -> seqlab.train.Evaluation.lossByPosition(m, new int[16], 16, 10, 2))
                .hasMessageContaining("fewer than one window of 17");
    }

    @Test
    void batchedGenerationStopsEachRowAtAStopToken() {
        Gpt m = model(32, Positional.LEARNED, 5);
        int[][] prompts = {{3, 1, 4}, {6}, {5, 3, 5, 8}};
        int[][] free = Generator.generate(m, prompts, 12, SamplingConfig.greedy(), new int[0], new Rng(0));
        int stop = free[1][2];                                             // row 1's third token
        int[][] stopped = Generator.generate(m, prompts, 12, SamplingConfig.greedy(), new int[] {stop}, new Rng(0));
        for (int r = 0; r < prompts.length; r++) {
            assertThat(free[r]).hasSize(12);
            int at = -1;
            for (int i = 0; i < free[r].length && at < 0; i++) {
                at = free[r][i] == stop ? i : -1;
            }
            assertThat(stopped[r]).isEqualTo(at < 0 ? free[r] : Arrays.copyOf(free[r], at + 1));
            assertThat(Generator.generate(m, prompts[r], 12, SamplingConfig.greedy(), new Rng(0), null)).isEqualTo(free[r]);
        }
        int[][] few = Generator.generate(m, prompts, 12, 7, SamplingConfig.greedy(), new int[0], new Rng(0));      // ids 0-6 only
        for (int r = 0; r < prompts.length; r++) {
            int[] alone = new int[12];
            int[] n = {0};
            Generator.stream(m, prompts[r], 12, 7, SamplingConfig.greedy(), new Rng(0), id -> {
                alone[n[0]++] = id;
                return true;
            });
            assertThat(few[r]).isEqualTo(alone);
            assertThat(Arrays.stream(few[r]).allMatch(id -> id < 7)).as("row %d: %s", r, Arrays.toString(few[r])).isTrue();
        }
        assertThat(Arrays.stream(free).flatMapToInt(Arrays::stream).anyMatch(id -> id >= 7)).as("the restriction is not vacuous").isTrue();
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        SamplingConfig c = new SamplingConfig(0f, 0, 1f, 2f);
        float[] z = {4f, -4f, 4f, -4f, 1f};
        c.penalise(z, 0, 4, new boolean[] {true, true, false, false});
        assertThat(z).containsExactly(2f, -8f, 4f, -4f, 1f);
        assertThatThrownBy(() -> new SamplingConfig(1f, 0, 1f, 0f)).hasMessageContaining("repetition penalty must be > 0");
        Gpt m = model(32, Positional.LEARNED, 5);
        int[] prompt = {3, 1, 4};
        int[] plain = Generator.generate(m, prompt, 20, SamplingConfig.greedy(), new Rng(0), null);
        int[] off = Generator.generate(m, prompt, 20, new SamplingConfig(0f, 0, 1f, 1f), new Rng(0), null);
        int[] strong = Generator.generate(m, prompt, 20, new SamplingConfig(0f, 0, 1f, 1e6f), new Rng(0), null);
        assertThat(off).isEqualTo(plain);
        assertThat(Arrays.stream(strong).distinct().count()).isGreaterThan(Arrays.stream(plain).distinct().count());
    }

    /** Over all 19 ids, and over the first 12 only (a model with more output rows than its tokenizer has tokens). */
    @ParameterizedTest
    @CsvSource({"19, 18", "12, 9"})
    void beamSearchReordersTheCacheAndScoresWhatTheModelSays(int tokens, int eos) {
        Gpt m = model(32, Positional.LEARNED, 5);
        int[] prompt = {3, 1, 4};
        int[] greedy = new int[8];
        int[] made = {0};
        Generator.stream(m, prompt, 8, tokens, SamplingConfig.greedy(), new Rng(0), id -> {
            greedy[made[0]++] = id;
            return true;
        });
        int cut = 0;
        while (cut < greedy.length && greedy[cut] != eos) {
            cut++;
        }
        var one = Generator.beam(m, prompt, 8, tokens, 1, 0.0, eos);
        assertThat(one.get(0).tokens()).isEqualTo(Arrays.copyOf(greedy, Math.min(greedy.length, cut + 1)));    // width 1 is greedy
        var four = Generator.beam(m, prompt, 8, tokens, 4, 0.0, eos);
        assertThat(four).hasSize(4);
        for (int h = 0; h < four.size(); h++) {
            int[] t = four.get(h).tokens();
            assertThat(Arrays.stream(t).allMatch(id -> id < tokens)).as(Arrays.toString(t)).isTrue();
            int[] all = Arrays.copyOf(prompt, prompt.length + t.length);
            System.arraycopy(t, 0, all, prompt.length, t.length);
            float[] logits = m.inference(() -> m.logits(all, 1, all.length, new Rng(0))).data();
            double lp = 0;
            for (int i = 0; i < t.length; i++) {                                 // log p of each new token, recomputed from scratch
                int off = (prompt.length - 1 + i) * 19;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < tokens; k++) {
                    max = Math.max(max, logits[off + k]);
                }
                double z = 0;
                for (int k = 0; k < tokens; k++) {
                    z += Math.exp(logits[off + k] - max);
                }
                lp += logits[off + t[i]] - max - Math.log(z);
            }
            assertThat(four.get(h).logProb()).as("hypothesis %d", h).isCloseTo(lp, org.assertj.core.data.Offset.offset(1e-3));
            if (h > 0) {
                assertThat(four.get(h).score()).isLessThanOrEqualTo(four.get(h - 1).score());
            }
        }
    }
}
