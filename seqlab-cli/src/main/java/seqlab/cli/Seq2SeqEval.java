package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import seqlab.data.Pair;
import seqlab.model.ModelDirectory;
import seqlab.train.Checkpoint;
import seqlab.train.Seq2SeqEvaluation;
import seqlab.train.Trainer;

/** {@code seqlab eval} for a seq2seq model. */
final class Seq2SeqEval {

    private Seq2SeqEval() {}

    static int run(Path dir, String data, String split, int bucket, int batch, int beam, ThreadsOption threads, PrintWriter out,
                   PrintWriter err) {
        if (bucket < 1 || batch < 1 || beam < 1) {
            throw new UserException("--bucket, --batch and --beam must be >= 1, got " + bucket + ", " + batch + " and " + beam);
        }
        String spec = data != null ? data : trainedOn(dir);
        List<Pair> pairs = Seq2SeqTraining.read(spec).split(split);                  // the data first, then the model
        if (pairs.isEmpty()) {
            throw new UserException("--data " + spec + ": the " + split + " split is empty");
        }
        ModelDirectory.Loaded.Translator loaded = ModelDirectory.loadTranslator(dir, "eval");
        int limit = loaded.model().maxLength();
        List<Pair> all = pairs;
        pairs = all.stream().filter(p -> loaded.tokenizer().encodeSource(p.source()).length <= limit
                && loaded.tokenizer().encodeTarget(p.target()).length <= limit).toList();
        if (pairs.isEmpty()) {
            throw new UserException("--data " + spec + ": every pair of the " + split + " split is longer than the model's "
                    + loaded.model().maxLengthField() + " of " + limit + " tokens");
        }
        TranslateCommand.requireBeam(beam, Math.min(batch, pairs.size()), loaded.model());
        loaded.warnings().forEach(w -> err.println("seqlab: warning: " + w));
        if (pairs.size() < all.size()) {
            err.printf(Locale.ROOT, "seqlab: %,d of %,d pairs left out: longer than the model's %s of %d tokens%n",
                    all.size() - pairs.size(), all.size(), loaded.model().maxLengthField(), limit);
        }
        threads.apply(err);
        long t0 = System.nanoTime();
        Seq2SeqEvaluation.Report r = Seq2SeqEvaluation.evaluate(loaded.model(), loaded.tokenizer(),
                pairs.stream().map(Pair::source).toList(), pairs.stream().map(Pair::target).toList(), batch, bucket, beam);
        out.printf(Locale.ROOT, "data                          %s, %s split, %,d pairs (%.1f s)%n", spec, split, pairs.size(),
                (System.nanoTime() - t0) / 1e9);
        out.printf(Locale.ROOT, "%-30s%.2f%n", "BLEU-4 (" + (beam == 1 ? "greedy" : "beam " + beam) + ", corpus)", 100 * r.bleu());
        out.printf(Locale.ROOT, "exact match                   %.2f%%%n", 100 * r.accuracy().exactMatch());
        out.printf(Locale.ROOT, "token accuracy                %.2f%%%n", 100 * r.accuracy().tokenAccuracy());
        out.printf(Locale.ROOT, "perplexity, teacher-forced    %.3f  (loss %.4f nats/token)%n", r.teacherForced().perplexity(),
                r.teacherForced().mean());
        out.printf(Locale.ROOT, "perplexity, free-running      %.3f  (loss %.4f; each step reads the model's own previous token)%n",
                r.freeRunning().perplexity(), r.freeRunning().mean());
        out.println("BLEU by source length (" + loaded.tokenizer().split().id() + ", without <eos>):");
        for (Seq2SeqEvaluation.Bucket b : r.byLength()) {
            out.printf(Locale.ROOT, "  %3d-%-3d  %5d pairs  BLEU %6.2f%n", b.from(), b.to(), b.pairs(), 100 * b.bleu());
        }
        return 0;
    }

    /** The --data of the run that trained the model, from its newest checkpoint (a kept best's: its run's, one level up). */
    private static String trainedOn(Path model) {
        Path parent = model.toAbsolutePath().getParent();
        Path dir = seqlab.train.BestModel.isKept(model) && parent != null ? parent : model;
        if (!Files.isDirectory(dir.resolve(Checkpoint.DIR))) {
            throw new UserException(dir + " has no checkpoints recording its training data; give --data");
        }
        Object source = Trainer.readCheckpoint(Checkpoint.latest(dir)).data().get("source");
        if (source == null) {
            throw new UserException(dir + ": the checkpoint does not name its data; give --data");
        }
        return source.toString();
    }

}
