package seqlab.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import seqlab.data.Seq2SeqBatch;
import seqlab.model.RnnLanguageModel;
import seqlab.model.RnnLmConfig;
import seqlab.model.Seq2Seq;
import seqlab.model.Seq2SeqConfig;
import seqlab.model.Transformer;
import seqlab.model.TransformerConfig;
import seqlab.model.TranslationModel;
import seqlab.nn.Module;
import seqlab.nn.Parameter;
import seqlab.nn.transformer.Activation;
import seqlab.nn.transformer.Positional;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.tensor.Workspace;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training inside workspace steps gives the same bits as training without one, for every model
 * family: the same loss at every step and the same weights after. The workspace poisons what it
 * takes back, so an array that outlived its step (a parameter's gradient, a cached table, a
 * carried state) would turn the next step's loss or the weights into NaN or into other values.
 * Each family is trained twice: with the same shapes at every step (as LM training and the
 * benchmarks run, where every array is reused), and with shapes that change from step to step
 * (padded translation batches of other lengths).
 */
class WorkspaceTrainingTest {

    private static final int STEPS = 6;

    @Test
    void languageModelsTrainToTheSameBits() {
        for (CellType cell : new CellType[] {CellType.LSTM, CellType.GRU, CellType.RNN_TANH}) {
            sameBits(cell.id(), () -> new RnnLanguageModel(new RnnLmConfig(cell, 11, 6, 8, 2, 0.2f, false), new Rng(3)),
                    m -> m, (m, step, rng) -> {
                        int batch = 3, time = 4 + step % 3;
                        int[] x = new int[batch * time];
                        int[] y = new int[batch * time];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = rng.nextInt(11);
                            y[i] = rng.nextInt(11);
                        }
                        return m.loss(x, y, batch, time, rng);
                    });
        }
    }

    @Test
    void recurrentTranslatorsTrainToTheSameBits() {
        for (Seq2SeqConfig.Attention attention : new Seq2SeqConfig.Attention[] {Seq2SeqConfig.Attention.BAHDANAU,
                Seq2SeqConfig.Attention.LUONG_GENERAL, Seq2SeqConfig.Attention.LUONG_CONCAT, Seq2SeqConfig.Attention.CONTEXT}) {
            sameBits(attention.toString(), () -> new Seq2Seq(new Seq2SeqConfig(CellType.GRU, attention, 13, 12, 6, 8, 2, true, 0.1f, 20,
                    true), new Rng(5)), m -> m, (m, step, rng) -> m.loss(batch(step, rng, 13, 12), 0.5, 0f, rng, rng));
        }
    }

    @Test
    void transformersTrainToTheSameBits() {
        for (Positional positional : Positional.values()) {
            for (boolean normFirst : new boolean[] {false, true}) {
                sameBits(positional + (normFirst ? " pre-LN" : " post-LN"), () -> new Transformer(new TransformerConfig(8, 2, 2, 2, 12,
                        0.1f, normFirst ? Activation.GELU : Activation.RELU, normFirst, 1e-5f, 13, 12, positional, 20), new Rng(9)),
                        Transformer::module, (m, step, rng) -> m.loss(batch(step, rng, 13, 12), 1.0, 0.1f, rng, rng));
            }
        }
    }

    /** A padded batch of 3 whose lengths change with the step: source 2–6 tokens, target 2–5. */
    private static Seq2SeqBatch batch(int step, Rng rng, int srcVocab, int tgtVocab) {
        int batch = 3, srcLen = 4 + step % 3, tgtLen = 3 + step % 3;
        int[] src = new int[batch * srcLen];
        int[] lengths = new int[batch];
        int[] tin = new int[batch * tgtLen];
        int[] tout = new int[batch * tgtLen];
        Arrays.fill(tout, Seq2SeqBatch.IGNORE);
        for (int r = 0; r < batch; r++) {
            lengths[r] = r == 0 ? srcLen : 2 + rng.nextInt(srcLen - 1);
            for (int i = 0; i < lengths[r]; i++) {
                src[r * srcLen + i] = 4 + rng.nextInt(srcVocab - 4);
            }
            int n = r == 1 ? tgtLen : 2 + rng.nextInt(tgtLen - 1);
            tin[r * tgtLen] = seqlab.text.Vocabulary.BOS;
            for (int i = 0; i < n; i++) {
                tout[r * tgtLen + i] = 4 + rng.nextInt(tgtVocab - 4);
                if (i + 1 < tgtLen) {
                    tin[r * tgtLen + i + 1] = tout[r * tgtLen + i];
                }
            }
        }
        return new Seq2SeqBatch(src, lengths, tin, tout, batch, srcLen, tgtLen);
    }

    private interface StepLoss<M> {
        Tensor of(M model, int step, Rng rng);
    }

    private interface Factory<M> {
        M make();
    }

    private static <M> void sameBits(String what, Factory<M> factory, Function<M, Module> module, StepLoss<M> loss) {
        for (boolean varying : new boolean[] {false, true}) {
            String shapes = what + (varying ? ", shapes changing per step" : ", fixed shapes");
            List<Float> plainLosses = new ArrayList<>();
            List<float[]> plain = train(factory.make(), module, loss, null, varying, plainLosses);
            List<Float> pooledLosses = new ArrayList<>();
            List<float[]> pooled = train(factory.make(), module, loss, Workspace.poisoning(), varying, pooledLosses);
            assertThat(plainLosses).as("%s: losses", shapes).hasSize(STEPS).doesNotContain(Float.NaN);
            assertThat(pooledLosses).as("%s: losses in a workspace", shapes).isEqualTo(plainLosses);
            for (int i = 0; i < plain.size(); i++) {
                assertThat(pooled.get(i)).as("%s: parameter %d", shapes, i).isEqualTo(plain.get(i));
            }
        }
    }

    private static <M> List<float[]> train(M model, Function<M, Module> module, StepLoss<M> loss, Workspace ws, boolean varying,
                                           List<Float> losses) {
        List<Parameter> params = module.apply(model).parameters();
        AdamW opt = new AdamW(params, 0.9, 0.99, 1e-8, 0.1f, true, true);
        Rng rng = new Rng(11);
        for (int step = 0; step < STEPS; step++) {
            Workspace.Step s = ws == null ? null : ws.step();
            try {
                opt.zeroGrad();
                Tensor l = loss.of(model, varying ? step : 0, rng);
                losses.add(l.item());
                l.backward();
                GradClip.clip(params, 1.0);
                opt.step(1e-2f);
            } finally {
                if (s != null) {
                    s.close();
                }
            }
        }
        List<float[]> out = new ArrayList<>();
        for (Parameter p : params) {
            out.add(p.data().clone());
        }
        return out;
    }
}
