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
import seqlab.model.Seq2SeqConfig;
import seqlab.tensor.Rng;
import seqlab.text.PairTokenizer;
import seqlab.train.Seq2SeqTask;
import seqlab.train.TrainConfig;
import seqlab.train.TrainListener;
import seqlab.train.Trainer;

/** The seq2seq side of {@code seqlab train --arch seq2seq}: data, vocabularies, model, task. */
final class Seq2SeqTraining {

    private Seq2SeqTraining() {}

    /** A corpus read and encoded for training, with what a checkpoint records about it. */
    record Prepared(TranslationData data, PairTokenizer tokenizer, List<PairBatcher.Encoded> train,
                    List<PairBatcher.Encoded> val, Map<String, Object> describe, int dropped) {}

    static TranslationData read(String spec) {
        try {
            return TranslationData.read(spec);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /**
     * Encodes the training and validation pairs; training pairs with a source longer than
     * {@code maxLength} tokens are left out (and counted).
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
        for (Pair p : data.val()) {
            val.add(new PairBatcher.Encoded(tok.encodeSource(p.source()), tok.encodeTarget(p.target())));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", TranslationData.absolute(data.spec()));
        d.put("sha256", DataSource.sha256(all.toString()));
        d.put("train_pairs", (long) data.train().size());
        return new Prepared(data, tok, train, val, d, dropped);
    }

    static PairTokenizer fit(TranslationData data, int minFreq) {
        return PairTokenizer.fit(data.split(), data.train().stream().map(Pair::source).toList(),
                data.train().stream().map(Pair::target).toList(), minFreq);
    }

    static void describe(PrintWriter err, Prepared p, Seq2Seq model) {
        err.printf(Locale.ROOT, "%s: %,d training pairs (%,d left out: longer than max length), %,d validation; vocabularies %,d (source) / %,d (target) %s%n",
                p.data().spec(), p.train().size(), p.dropped(), p.val().size(), p.tokenizer().source().size(),
                p.tokenizer().target().size(), p.data().split().id());
        Seq2SeqConfig c = model.config();
        err.printf(Locale.ROOT, "model: seq2seq, %s%s encoder and decoder, %d layer(s), hidden %d, embedding %d, attention %s, %,d parameters%n",
                c.bidirectional() ? "bidirectional " : "", c.cell().id(), c.numLayers(), c.hiddenSize(), c.embeddingSize(),
                c.attention().id(), model.parameterCount());
    }

    /** Starts a new run. */
    static Trainer start(Seq2SeqConfig mcTemplate, TranslationData data, int minFreq, TrainConfig cfg, double teacherForcing,
                         Path out, PrintWriter err, TrainListener listener) {
        PairTokenizer tok = fit(data, minFreq);
        Seq2SeqConfig mc = new Seq2SeqConfig(mcTemplate.cell(), mcTemplate.attention(), tok.source().size(), tok.target().size(),
                mcTemplate.embeddingSize(), mcTemplate.hiddenSize(), mcTemplate.numLayers(), mcTemplate.bidirectional(),
                mcTemplate.dropout(), mcTemplate.maxLength());
        Prepared p = prepare(data, tok, mc.maxLength());
        requireFits(mc, p, cfg);
        Seq2Seq model = new Seq2Seq(mc, new Rng(cfg.seed()));
        describe(err, p, model);
        Seq2SeqTask task = task(model, p, cfg, teacherForcing);
        err.printf(Locale.ROOT, "%d batches of up to %d pairs per epoch; %d steps = %s epochs; teacher forcing %.2f%n",
                task.batchesPerEpoch(), cfg.batch(), cfg.steps(), Progress.significant(cfg.steps() / (double) task.batchesPerEpoch()),
                teacherForcing);
        err.println("optimizer: " + cfg.describe());
        return Trainer.start(task, p.describe(), cfg, out, listener);
    }

    /** Parameters, gradients, optimizer state and the largest batch's activations against the heap, before the model is built. */
    static void requireFits(Seq2SeqConfig mc, Prepared p, TrainConfig cfg) {
        int source = 1;
        int target = 1;
        for (PairBatcher.Encoded e : p.train()) {
            source = Math.max(source, e.source().length);
            target = Math.max(target, e.target().length + 1);
        }
        Seq2Seq.footprint(mc, Math.min(cfg.batch(), Math.max(1, p.train().size())), source, target).requireFits(cfg.copiesPerParameter(),
                cfg.copiesPerParameterWhat(), true, Footprint.freeHeap(), "--hidden, --embed, --layers, --batch or --max-length");
    }

    /** Continues the run saved in {@code dir} on its data. */
    static Trainer resume(Trainer.Saved saved, TrainConfig cfg, TranslationData data, Path dir, TrainListener listener) {
        Seq2SeqConfig mc = Seq2SeqConfig.fromJson(saved.model());
        PairTokenizer tok = PairTokenizer.fromJson(ModelDirectory.readJson(dir.resolve(ModelDirectory.TOKENIZER)));
        Prepared p = prepare(data, tok, mc.maxLength());
        requireFits(mc, p, cfg);
        if (!p.describe().get("sha256").equals(saved.data().get("sha256"))) {
            throw new UserException("--resume " + dir + ": the data " + data.spec() + " differs from the run's data (SHA-256 changed); resume with the same data");
        }
        Seq2Seq model = new Seq2Seq(mc, new Rng(cfg.seed()));
        double tf = saved.task().number("teacher_forcing", 0, 1);
        return Trainer.resume(saved, task(model, p, cfg, tf), cfg, dir, listener);
    }

    private static Seq2SeqTask task(Seq2Seq model, Prepared p, TrainConfig cfg, double teacherForcing) {
        try {
            return new Seq2SeqTask(model, p.tokenizer(), p.train(), p.val(), cfg.batch(), teacherForcing, cfg.seed());
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }
}
