package seqlab.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.io.AtomicFiles;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.kernel.Gemm;
import seqlab.kernel.Parallel;
import seqlab.model.ModelDirectory;
import seqlab.model.RnnLanguageModel;
import seqlab.model.RnnLmConfig;
import seqlab.model.Seq2Seq;
import seqlab.model.Seq2SeqConfig;
import seqlab.model.Transformer;
import seqlab.model.TransformerConfig;
import seqlab.model.TranslationModel;
import seqlab.data.Seq2SeqBatch;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.tensor.ScaledDotProductAttention;
import seqlab.tensor.Tensor;
import seqlab.tensor.Workspace;
import seqlab.train.AdamW;
import seqlab.decode.Generator;
import seqlab.decode.SamplingConfig;
import seqlab.model.Gpt;
import seqlab.model.GptConfig;
import seqlab.model.LanguageModel;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the reference workloads of ../shared/bench/WORKLOADS.md (W1-W3 char-RNN training steps, "
                + "W4 seq2seq + Bahdanau attention training step, W5 GPT training step, W6 GPT generation with a KV cache, "
                + "W6S the same for the CPU recipe's small GPT (seqlab's own; PyTorch's side: scripts/gpt_small_generation.py), "
                + "W8 sgemm, W9 Transformer translation training step, "
                + "W10 causal attention core forward + backward at n = 256, 1024, 4096, or --seq), "
                + "as torch_bench.py does: median over timed steps after warm-up.")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--workload", defaultValue = "W1,W2,W3,W4,W8", description = "comma-separated ids (default: ${DEFAULT-VALUE})")
    String workloads;

    @Option(names = "--steps", defaultValue = "20", description = "timed steps per workload (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--threads", defaultValue = "2", description = "worker threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--json", description = "write the results to this JSON file")
    Path json;

    @Option(names = "--force", description = "overwrite an existing --json file")
    boolean force;

    @Option(names = "--torch", description = "a JSON file from torch_bench.py --json, run on this machine: adds the ratio seqlab / PyTorch")
    Path torch;

    @Option(names = "--seq", split = ",", paramLabel = "N", description = "W10 only: the sequence lengths n (default: 256,1024,4096)")
    int[] seq = {256, 1024, 4096};

    @Option(names = "--attention", paramLabel = "PATH", defaultValue = "fused", description = "W10 only: fused (the n x n scores never "
            + "stored) or materialising (the reference loops that store them, one thread, double precision: for memory, not speed); "
            + "default: ${DEFAULT-VALUE}")
    String attention;

    @Option(names = "--paired", paramLabel = "SECONDS", description = "W8 only, for a driver that alternates with PyTorch "
            + "round by round (scripts/w8_paired.py): after one untimed round print 'ready', then for every line read on stdin "
            + "time each W8 shape for SECONDS and print their median GFLOP/s on one line")
    Double paired;

    /** W10's batch and heads (head size 64). */
    static final int W10_BATCH = 4;
    static final int W10_HEADS = 8;

    static final List<String> AVAILABLE = List.of("W1", "W2", "W3", "W4", "W5", "W6", "W6S", "W8", "W9", "W10");

    /** One workload's timings; {@code note}, when not null, is printed under its row (W5's MFU). */
    record Result(String id, String name, String unit, double work, double[] seconds, String note) {
        Result(String id, String name, String unit, double work, double[] seconds) {
            this(id, name, unit, work, seconds, null);
        }

        double median() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        double metric(double t) {
            return work / t;
        }
    }

    @Override
    public Integer call() {
        if (paired != null) {
            for (String f : new String[] {"--steps", "--warmup", "--json", "--torch"}) {
                if (Options.given(spec, f)) {
                    throw new UserException(f + " does not apply with --paired (each round times every shape for --paired seconds); drop it");
                }
            }
        }
        if (steps < 1 || warmup < 0) {
            throw new UserException("--steps must be >= 1 and --warmup >= 0, got " + steps + " and " + warmup);
        }
        if (json == null) {
            Options.onlyFor(spec, "--json", "--force");
        } else {
            OutputFile.check("--json", json, force);
        }
        for (String w : workloads.split(",")) {
            if (!AVAILABLE.contains(w.strip().toUpperCase(Locale.ROOT))) {
                throw new UserException("--workload " + w.strip() + " is not available in seqlab bench yet (available: "
                        + String.join(", ", AVAILABLE) + ")");
            }
        }
        List<String> ids = Arrays.stream(workloads.split(",")).map(w -> w.strip().toUpperCase(Locale.ROOT)).toList();
        if (!ids.contains("W10")) {
            Options.onlyFor(spec, "--workload W10", "--seq", "--attention");
        }
        if (!attention.equals("fused") && !attention.equals("materialising")) {
            throw new UserException("--attention must be fused or materialising, got '" + attention + "'");
        }
        for (int n : seq) {
            if (n < 1 || n > 65_536) {
                throw new UserException("--seq lengths must be 1 to 65536, got " + n);
            }
            if (attention.equals("materialising") && (long) W10_BATCH * W10_HEADS * n * n > ScaledDotProductAttention.MAX_WEIGHTS) {
                throw new UserException("--seq " + n + " with --attention materialising needs (" + W10_BATCH + ", " + W10_HEADS + ", " + n + ", "
                        + n + ") weights, more values "
                        + "than a Java array holds; the longest is " + (int) Math.sqrt((double) ScaledDotProductAttention.MAX_WEIGHTS
                        / (W10_BATCH * W10_HEADS)) + " (the fused path has no such limit)");
            }
        }
        Parallel.setThreads(Options.threads(threads, spec.commandLine().getErr()));
        if (paired != null) {
            return pairedSgemm(ids);
        }
        Map<String, Double> ref = torch == null ? Map.of() : torchMetrics(torch);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("seqlab bench: %d threads, %d warm-up, %d timed steps; %s, %s%n", Parallel.threads(), warmup, steps,
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        out.flush();
        List<Result> results = new ArrayList<>();
        for (String id : ids) {
            switch (id) {
                case "W1" -> results.add(charRnn(id, CellType.LSTM));
                case "W2" -> results.add(charRnn(id, CellType.GRU));
                case "W3" -> results.add(charRnn(id, CellType.RNN_TANH));
                case "W4" -> results.add(seq2seq(id));
                case "W5" -> results.add(gptStep(id));
                case "W6" -> results.add(gptGeneration(id));
                case "W6S" -> results.add(smallGptGeneration(id));
                case "W8" -> results.addAll(sgemm());
                case "W9" -> results.add(transformer(id));
                case "W10" -> results.addAll(attentionCore());
                default -> throw new IllegalStateException("workload " + id + " was checked above");
            }
            out.printf("[%s done]%n", id);
            out.flush();
        }
        int width = Math.max(34, results.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        out.printf("%n%-3s %-" + width + "s %12s %-9s %20s %9s %8s%n", "id", "workload", "median", "unit", "best..worst", "median s",
                ref.isEmpty() ? "" : "vs torch");
        for (Result r : results) {
            double[] s = r.seconds().clone();
            Arrays.sort(s);
            Double t = ref.get(r.id() + "|" + r.name());
            out.printf(Locale.ROOT, "%-3s %-" + width + "s %12.1f %-9s %20s %9.4f %8s%n", r.id(), r.name(), r.metric(r.median()), r.unit(),
                    String.format(Locale.ROOT, "%.1f..%.1f", r.metric(s[0]), r.metric(s[s.length - 1])), r.median(),
                    t == null ? "" : String.format(Locale.ROOT, "%.2fx", r.metric(r.median()) / t));
            if (r.note() != null) {
                out.println("    " + r.note());
            }
        }
        if (json != null) {
            List<Object> rows = new ArrayList<>();
            for (Result r : results) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", r.id());
                m.put("name", r.name());
                m.put("unit", r.unit());
                m.put("median_s", r.median());
                m.put("metric_median", r.metric(r.median()));
                Double t = ref.get(r.id() + "|" + r.name());
                if (t != null) {
                    m.put("torch_metric_median", t);
                    m.put("ratio", r.metric(r.median()) / t);
                }
                rows.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("threads", Parallel.threads());
            doc.put("steps", steps);
            doc.put("results", rows);
            AtomicFiles.writeString(json, Json.writePretty(doc));
        }
        return 0;
    }

    /** W1-W3: vocab 65, embedding 128, 2 layers of hidden 512, seq 128, batch 32, AdamW as nanoGPT groups it. */
    private Result charRnn(String id, CellType cell) {
        RnnLanguageModel model = new RnnLanguageModel(new RnnLmConfig(cell, 65, 128, 512, 2, 0f, false), new Rng(1234));
        String name = "char-" + (cell == CellType.RNN_TANH ? "RNN" : cell.id().toUpperCase(Locale.ROOT)) + " LM train step";
        return languageModelStep(id, name, model, 32, 128);
    }

    /** A next-token training step timed on random (B, T) ids and targets, AdamW as nanoGPT groups it (β₂ 0.99, weight decay 0.1). */
    private Result languageModelStep(String id, String name, LanguageModel model, int batch, int seq) {
        int vocab = model.vocabSize();
        AdamW opt = new AdamW(model.module().parameters(), 0.9, 0.99, 1e-8, 0.1f, true, true);
        Rng rng = new Rng(1234);
        int[] x = new int[batch * seq];
        int[] y = new int[batch * seq];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(vocab);
            y[i] = rng.nextInt(vocab);
        }
        Runnable step = () -> {
            opt.zeroGrad();
            Tensor loss = model.loss(x, y, batch, seq, rng);
            loss.backward();
            opt.step(1e-3f);
        };
        return new Result(id, name, "tokens/s", batch * seq, time(step));
    }

    /**
     * The W5 and W6 model, nanoGPT's shakespeare-char GPT (torch_bench.py's GPTConfig): vocabulary
     * 65, block 256, 6 layers of 6 heads, n_embd 384, exact GELU MLP 4×, tied embeddings, no
     * dropout. seqlab's GPT-2 has biases where torch_bench.py's nanoGPT has none (0.1% more
     * parameters, 9k of 10.7M).
     */
    private static Gpt w5Model() {
        return nanoGpt(256, 384, 6, 6);
    }

    /** nanoGPT's shakespeare-char GPT of these sizes: vocabulary 65, exact GELU MLP 4×, tied embeddings, no dropout. */
    private static Gpt nanoGpt(int block, int embed, int layers, int heads) {
        return new Gpt(new GptConfig(65, block, embed, layers, heads, 4 * embed, seqlab.nn.transformer.Activation.GELU, 0f, 0f, 0f, 1e-5f,
                true, seqlab.nn.transformer.Positional.LEARNED, null, null), new Rng(1234));
    }

    /**
     * W5: a GPT training step on random (8, 256) ids, with its model FLOPs utilisation as
     * torch_bench.py gives it: nanoGPT's 6N + 12·L·T·C FLOPs per token (N the parameters but the
     * position embedding) against this machine's SGEMM speed on 2048³ measured right after.
     */
    private Result gptStep(String id) {
        Gpt model = w5Model();
        GptConfig c = model.config();
        int seq = c.nPositions();                                           // the whole block, as torch_bench.py trains it
        Result r = languageModelStep(id, "GPT train step (nanoGPT shakespeare-char)", model, 8, seq);
        long n = model.parameterCount() - (long) c.nPositions() * c.nEmbd();
        double flopsPerToken = 6.0 * n + 12.0 * c.nLayer() * seq * c.nEmbd();
        double achieved = flopsPerToken * r.metric(r.median()) / 1e9;
        Sgemm peak = Sgemm.of(2048, 2048, 2048, new Rng(1234));              // as torch_bench.py's sgemm_gflops
        double peakGflops = peak.gflops(1.0);
        return new Result(r.id(), r.name(), r.unit(), r.work(), r.seconds(), String.format(Locale.ROOT,
                "W5 MFU %.1f%% of the measured sgemm peak %.1f GFLOP/s (%.2f MFLOP/token, %.1f GFLOP/s)", 100 * achieved / peakGflops,
                peakGflops, flopsPerToken / 1e6, achieved));
    }

    /** W6: the W5 model, batch 1, a prompt of 16 random ids, 240 new tokens, greedy, through the KV cache. */
    private Result gptGeneration(String id) {
        Gpt model = w5Model();
        model.train(false);
        Rng rng = new Rng(1234);
        int[] prompt = new int[16];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = rng.nextInt(65);
        }
        Runnable step = () -> Generator.generate(model, prompt, 240, SamplingConfig.greedy(), rng, null);
        return new Result(id, "GPT greedy generation, KV cache", "new tokens/s", 240, time(step));
    }

    /**
     * W6S (not in WORKLOADS.md; PyTorch's side is scripts/gpt_small_generation.py, on torch_bench.py's
     * GPT): W6's loop on nanoGPT's CPU-recipe GPT (4 layers, 4 heads, n_embd 128, block 64), which
     * fits in cache; a step is 20 generations of 48 new tokens after the same 16-token prompt.
     */
    private Result smallGptGeneration(String id) {
        Gpt model = nanoGpt(64, 128, 4, 4);
        model.train(false);
        Rng rng = new Rng(1234);
        int[] prompt = new int[16];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = rng.nextInt(65);
        }
        int generations = 20;
        int tokens = 48;
        Runnable step = () -> {
            for (int g = 0; g < generations; g++) {
                Generator.generate(model, prompt, tokens, SamplingConfig.greedy(), rng, null);
            }
        };
        return new Result(id, "GPT greedy generation, CPU-recipe model", "new tokens/s", generations * tokens, time(step));
    }

    /**
     * W4: GRU encoder and GRU decoder (hidden 256, embedding 256, vocabularies 1000) with Bahdanau
     * attention, logits from the decoder state alone (torch_bench.py's Seq2SeqAttn), teacher
     * forcing, source and target 32 tokens, batch 64, AdamW as nanoGPT groups it.
     */
    private Result seq2seq(String id) {
        int vocab = 1000, batch = 64, len = 32;
        Seq2SeqConfig mc = new Seq2SeqConfig(CellType.GRU, Seq2SeqConfig.Attention.BAHDANAU, vocab, vocab, 256, 256, 1, false, 0f,
                len, false);
        Seq2Seq model = new Seq2Seq(mc, new Rng(1234));
        return translationStep(id, "seq2seq GRU + Bahdanau attention train step", model, vocab, vocab, batch, len);
    }

    /**
     * W9: the Transformer translator (torch_bench.py's TransformerMT): vocabularies 8000 / 6000,
     * d_model 256, 8 heads, 3 + 3 post-LN ReLU layers, FFN 512, no dropout, sinusoidal positions,
     * source and target 32 tokens, batch 64, causal decoder, AdamW as nanoGPT groups it.
     */
    private Result transformer(String id) {
        int batch = 64, len = 32;
        TransformerConfig mc = new TransformerConfig(256, 8, 3, 3, 512, 0f, seqlab.nn.transformer.Activation.RELU, false, 1e-5f,
                8000, 6000, seqlab.nn.transformer.Positional.SINUSOIDAL, 128);
        Transformer model = new Transformer(mc, new Rng(1234));
        return translationStep(id, "Transformer enc-dec MT train step", model, 8000, 6000, batch, len);
    }

    /**
     * A translation training step timed on random ids (past the four special tokens), source and
     * target {@code len} tokens, teacher forcing, AdamW as nanoGPT groups it.
     */
    private Result translationStep(String id, String name, TranslationModel model, int srcVocab, int tgtVocab, int batch, int len) {
        AdamW opt = new AdamW(model.module().parameters(), 0.9, 0.99, 1e-8, 0.1f, true, true);
        Rng rng = new Rng(1234);
        int[] src = new int[batch * len];
        int[] tgt = new int[batch * len];
        int[] tin = new int[batch * len];
        for (int i = 0; i < src.length; i++) {
            src[i] = 4 + rng.nextInt(srcVocab - 4);
            tgt[i] = 4 + rng.nextInt(tgtVocab - 4);
        }
        for (int r = 0; r < batch; r++) {
            tin[r * len] = seqlab.text.Vocabulary.BOS;                             // <bos> y_1 … y_{n−1}
            System.arraycopy(tgt, r * len, tin, r * len + 1, len - 1);
        }
        int[] lengths = new int[batch];
        Arrays.fill(lengths, len);
        Seq2SeqBatch b = new Seq2SeqBatch(src, lengths, tin, tgt, batch, len, len);
        Runnable step = () -> {
            opt.zeroGrad();
            Tensor loss = model.loss(b, 1.0, rng, rng);
            loss.backward();
            opt.step(1e-3f);
        };
        return new Result(id, name, "tgt tokens/s", batch * len, time(step));
    }

    /**
     * W10: causal attention without projections, q, k, v (batch 4, 8 heads, n, head 64), a step the
     * forward and the backward of sum(out ⊙ g); seqlab's fused kernel (torch_bench.py materialises
     * the scores). GFLOP/s counts the causal half of 12·B·H·n²·d, as torch_bench.py does.
     */
    private List<Result> attentionCore() {
        List<Result> out = new ArrayList<>();
        int heads = W10_HEADS, d = 64, batch = W10_BATCH;
        boolean materialise = attention.equals("materialising");
        for (int n : seq) {
            Rng rng = new Rng(1234);
            int e = heads * d;
            Tensor q = Tensor.parameter(gaussian(rng, batch * n * e), batch, n, e);
            Tensor k = Tensor.parameter(gaussian(rng, batch * n * e), batch, n, e);
            Tensor v = Tensor.parameter(gaussian(rng, batch * n * e), batch, n, e);
            float[] g = gaussian(rng, batch * n * e);
            Runnable step = () -> {
                q.zeroGrad();
                k.zeroGrad();
                v.zeroGrad();
                Tensor o = ScaledDotProductAttention.apply(new ScaledDotProductAttention.Columns(q, 0),
                        new ScaledDotProductAttention.Columns(k, 0), new ScaledDotProductAttention.Columns(v, 0), heads, e,
                        seqlab.kernel.AttentionMask.causal(), 0f, null, materialise).output();
                seqlab.tensor.LinearOps.dot(o, g).backward();
            };
            double flops = 0.5 * 12.0 * batch * heads * (double) n * n * d;
            out.add(new Result("W10", "attention core " + (materialise ? "(materialising) " : "") + "fwd+bwd n=" + n, "GFLOP/s",
                    flops / 1e9, time(step)));
        }
        return out;
    }

    private static float[] gaussian(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /** One W8 product with its operands: C = A·B, row-major, timed as {@code inner} calls a sample (at least ~20 ms). */
    private record Sgemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        static List<Sgemm> all() {
            int[][] shapes = {{1024, 1024, 1024}, {2048, 2048, 2048}, {2048, 1152, 384}, {32, 2048, 512}};
            List<Sgemm> out = new ArrayList<>();
            Rng rng = new Rng(1234);
            for (int[] s : shapes) {
                out.add(of(s[0], s[1], s[2], rng));
            }
            return out;
        }

        /** C (m, n) = A (m, k)·B (k, n) on Gaussian operands. */
        static Sgemm of(int m, int n, int k, Rng rng) {
            return new Sgemm(m, n, k, gaussian(rng, m * k), gaussian(rng, k * n), new float[m * n]);
        }

        double flops() {
            return 2.0 * m * n * k;
        }

        /** Calls a sample makes: at least ~20 ms at 100 GFLOP/s, as torch_bench.py times them. */
        int inner() {
            return (int) Math.max(1, 0.02 / Math.max(flops() / 100e9, 1e-7));
        }

        void call() {
            Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        }

        void sample() {
            for (int r = 0, inner = inner(); r < inner; r++) {
                call();
            }
        }

        /** The median GFLOP/s of the samples taken in {@code seconds} (at least one), after three untimed calls. */
        double gflops(double seconds) {
            for (int i = 0; i < 3; i++) {
                call();
            }
            List<Double> g = new ArrayList<>();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            do {
                long t0 = System.nanoTime();
                sample();
                g.add(flops() * inner() / (System.nanoTime() - t0));
            } while (System.nanoTime() < end);
            g.sort(null);
            return g.get(g.size() / 2);
        }
    }

    private List<Result> sgemm() {
        List<Result> out = new ArrayList<>();
        for (Sgemm g : Sgemm.all()) {
            double[] t = time(g::sample);
            for (int i = 0; i < t.length; i++) {
                t[i] /= g.inner();
            }
            out.add(new Result("W8", String.format("sgemm seqlab %dx%dx%d", g.m(), g.n(), g.k()),
                    "GFLOP/s", g.flops() / 1e9, t));
        }
        return out;
    }

    /** W8 in rounds on request (see {@code --paired}): a line of GFLOP/s medians, one per shape, per line read on stdin. */
    private int pairedSgemm(List<String> ids) {
        if (!ids.equals(List.of("W8"))) {
            throw new UserException("--paired times --workload W8 alone, got --workload " + workloads);
        }
        if (!(paired > 0 && paired <= 600)) {
            throw new UserException("--paired must be a number of seconds in (0, 600], got " + paired);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Sgemm> shapes = Sgemm.all();
        shapes.forEach(g -> g.gflops(paired));                     // untimed: the JIT compiles the GEMM
        out.println("ready");
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            while (in.readLine() != null) {
                out.println(String.join(" ", shapes.stream().map(g -> String.format(Locale.ROOT, "%.2f", g.gflops(paired))).toList()));
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    /** Seconds per timed step; each step runs in a workspace step, as the Trainer runs it. */
    private double[] time(Runnable step) {
        Workspace ws = new Workspace();
        for (int i = 0; i < warmup; i++) {
            try (Workspace.Step s = ws.step()) {
                step.run();
            }
        }
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            try (Workspace.Step s = ws.step()) {
                step.run();
            }
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        return t;
    }

    /** torch_bench.py's median metric per workload, keyed "id|name" (sgemm names mapped to seqlab's). */
    private static Map<String, Double> torchMetrics(Path file) {
        JsonFields doc = ModelDirectory.readJson(file);
        Map<String, Double> out = new LinkedHashMap<>();
        for (Object o : doc.list("results")) {
            JsonFields r = new JsonFields(o, file.toString());
            String name = r.string("name");
            if (name.contains("numpy.dot")) {
                continue;
            }
            out.put(r.string("id") + "|" + name.replace("torch.mm", "seqlab"), r.number("metric_median", 0, Double.MAX_VALUE));
        }
        return out;
    }
}
