package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import seqlab.data.Pair;
import seqlab.data.PairBatcher;
import seqlab.data.TranslationData;
import seqlab.model.Footprint;
import seqlab.model.ModelDirectory;
import seqlab.model.Seq2Seq;
import seqlab.model.ModelConfig;
import seqlab.model.Seq2SeqConfig;
import seqlab.model.Transformer;
import seqlab.model.TransformerConfig;
import seqlab.model.TranslationModel;
import seqlab.tensor.Rng;
import seqlab.text.PairTokenizer;
import seqlab.train.Seq2SeqTask;
import seqlab.train.TrainConfig;
import seqlab.train.TrainListener;
import seqlab.train.Trainer;

/** The translation side of {@code seqlab train} (--arch seq2seq or transformer): data, vocabularies, model, task. */
final class Seq2SeqTraining {

    private Seq2SeqTraining() {}

    /** A corpus read and encoded for training, with what a checkpoint records about it. */
    record Prepared(TranslationData data, PairTokenizer tokenizer, List<PairBatcher.Encoded> train,
                    List<PairBatcher.Encoded> val, Map<String, Object> describe, int dropped, int droppedVal) {}

    static TranslationData read(String spec) {
        try {
            return TranslationData.read(spec);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /**
     * Encodes the training and validation pairs; pairs with a source or target longer than
     * {@code maxLength} tokens are left out (and counted): the model accepts none longer.
     */
    static Prepared prepare(TranslationData data, PairTokenizer tok, int maxLength) {
        List<PairBatcher.Encoded> train = new ArrayList<>();
        int dropped = 0;
        StringBuilder all = new StringBuilder();
        for (Pair p : data.train()) {
            PairBatcher.Encoded e = new PairBatcher.Encoded(tok.encodeSource(p.source()), tok.encodeTarget(p.target()));
            all.append(p.source()).append('\t').append(p.target()).append('\n');
            if (e.source().length > maxLength || e.target().length > maxLength) {
                dropped++;
            } else {
                train.add(e);
            }
        }
        List<PairBatcher.Encoded> val = new ArrayList<>();
        int droppedVal = 0;
        for (Pair p : data.val()) {
            PairBatcher.Encoded e = new PairBatcher.Encoded(tok.encodeSource(p.source()), tok.encodeTarget(p.target()));
            if (e.source().length > maxLength || e.target().length > maxLength) {
                droppedVal++;
            } else {
                val.add(e);
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", TranslationData.absolute(data.spec()));
        d.put("sha256", DataSource.sha256(all.toString()));
        d.put("train_pairs", (long) data.train().size());
        return new Prepared(data, tok, train, val, d, dropped, droppedVal);
    }

    static PairTokenizer fit(TranslationData data, int minFreq) {
        return PairTokenizer.fit(data.split(), data.train().stream().map(Pair::source).toList(),
                data.train().stream().map(Pair::target).toList(), minFreq);
    }

    static void describe(PrintWriter err, Prepared p, TranslationModel model) {
        err.printf(Locale.ROOT, "%s: %,d training pairs (%,d left out: longer than max length), %,d validation%s; vocabularies %,d (source) / %,d (target) %s%n",
                p.data().spec(), p.train().size(), p.dropped(), p.val().size(),
                p.droppedVal() == 0 ? "" : String.format(Locale.ROOT, " (%,d left out)", p.droppedVal()), p.tokenizer().source().size(),
                p.tokenizer().target().size(), p.data().split().id());
        long params = model.module().parameterCount();
        switch (model.config()) {
            case Seq2SeqConfig c -> err.printf(Locale.ROOT, "model: seq2seq, %s%s encoder and decoder, %d layer(s), hidden %d, embedding %d, "
                    + "attention %s, %,d parameters%n", c.bidirectional() ? "bidirectional " : "", c.cell().id(), c.numLayers(),
                    c.hiddenSize(), c.embeddingSize(), c.attention().id(), params);
            case TransformerConfig c -> err.printf(Locale.ROOT, "model: transformer, %d + %d layers (%s, %s), d_model %d, %d heads, "
                    + "feed-forward %d, %s positions, dropout %s, %,d parameters%n", c.numEncoderLayers(), c.numDecoderLayers(),
                    c.normFirst() ? "pre-LN" : "post-LN", c.activation().id(), c.dModel(), c.nhead(), c.dimFeedforward(),
                    c.positional().id(), Progress.significant(c.dropout()), params);
            default -> throw new IllegalStateException("not a translation model: " + model.config().architecture());
        }
    }

    /** A seq2seq config of the template's shape with the fitted vocabularies' sizes. */
    static java.util.function.Function<PairTokenizer, ModelConfig> sized(Seq2SeqConfig t) {
        return tok -> new Seq2SeqConfig(t.cell(), t.attention(), tok.source().size(), tok.target().size(), t.embeddingSize(),
                t.hiddenSize(), t.numLayers(), t.bidirectional(), t.dropout(), t.maxLength(), t.deepOutput());
    }

    /** The longest source and output a config accepts. */
    private static int maxLength(ModelConfig c) {
        return switch (c) {
            case Seq2SeqConfig s -> s.maxLength();
            case TransformerConfig t -> t.maxPositions();
            default -> throw new IllegalStateException("not a translation model: " + c.architecture());
        };
    }

    /** Starts a new run; {@code configFor} gives the model's config once the vocabularies are fitted. */
    static Trainer start(java.util.function.Function<PairTokenizer, ModelConfig> configFor, TranslationData data, int minFreq,
                         TrainConfig cfg, double teacherForcing, float labelSmoothing, Path out, PrintWriter err, TrainListener listener) {
        PairTokenizer tok = fit(data, minFreq);
        ModelConfig mc;
        try {
            mc = configFor.apply(tok);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        Prepared p = prepare(data, tok, maxLength(mc));
        requireFits(mc, p, cfg);
        TranslationModel model = (TranslationModel) mc.build(new Rng(cfg.seed()));
        describe(err, p, model);
        Seq2SeqTask task = task(model, p, cfg, teacherForcing, labelSmoothing);
        err.printf(Locale.ROOT, "%d batches of up to %d pairs per epoch; %d steps = %s epochs; teacher forcing %.2f%s%n",
                task.batchesPerEpoch(), cfg.batch(), cfg.steps(), Progress.significant(cfg.steps() / (double) task.batchesPerEpoch()),
                teacherForcing, labelSmoothing > 0 ? "; label smoothing " + Progress.significant(labelSmoothing) : "");
        err.println("optimizer: " + cfg.describe());
        return Trainer.start(task, p.describe(), cfg, out, listener);
    }

    /** Parameters, gradients, optimizer state and the largest batch's activations against the heap, before the model is built. */
    static void requireFits(ModelConfig mc, Prepared p, TrainConfig cfg) {
        int source = 1;
        int target = 1;
        for (PairBatcher.Encoded e : p.train()) {
            source = Math.max(source, e.source().length);
            target = Math.max(target, e.target().length + 1);
        }
        int batch = Math.min(cfg.batch(), Math.max(1, p.train().size()));
        Footprint f = switch (mc) {
            case Seq2SeqConfig c -> Seq2Seq.footprint(c, batch, source, target);
            case TransformerConfig c -> Transformer.footprint(c, batch, source, target);
            default -> throw new IllegalStateException("not a translation model: " + mc.architecture());
        };
        f.requireFits(cfg.copiesPerParameter(), cfg.copiesPerParameterWhat(), true, Footprint.freeHeap(),
                mc instanceof TransformerConfig ? "--d-model, --ffn, --layers, --batch or --max-positions"
                        : "--hidden, --embed, --layers, --batch or --max-length");
    }

    /** Continues the run saved in {@code dir} on its data. */
    static Trainer resume(Trainer.Saved saved, TrainConfig cfg, TranslationData data, Path dir, TrainListener listener) {
        ModelConfig mc = ModelConfig.fromJson(saved.model());
        PairTokenizer tok = PairTokenizer.fromJson(ModelDirectory.readJson(dir.resolve(ModelDirectory.TOKENIZER)));
        Prepared p = prepare(data, tok, maxLength(mc));
        requireFits(mc, p, cfg);
        if (!p.describe().get("sha256").equals(saved.data().get("sha256"))) {
            throw new UserException("--resume " + dir + ": the data " + data.spec() + " differs from the run's data (SHA-256 changed); resume with the same data");
        }
        TranslationModel model = (TranslationModel) mc.build(new Rng(cfg.seed()));
        double tf = saved.task().number("teacher_forcing", 0, 1);
        float smoothing = (float) saved.task().number("label_smoothing", 0, 0.999999, 0);
        return Trainer.resume(saved, task(model, p, cfg, tf, smoothing), cfg, dir, listener);
    }

    private static Seq2SeqTask task(TranslationModel model, Prepared p, TrainConfig cfg, double teacherForcing, float labelSmoothing) {
        try {
            return new Seq2SeqTask(model, p.tokenizer(), p.train(), p.val(), cfg.batch(), teacherForcing, labelSmoothing, cfg.seed());
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }
}
