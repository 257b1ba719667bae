package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.decode.SamplingConfig;
import seqlab.decode.Translator;
import seqlab.model.ModelDirectory;
import seqlab.model.TranslationModel;
import seqlab.report.HeatMap;
import seqlab.tensor.Rng;
import seqlab.text.PairTokenizer;
import seqlab.text.Text;

@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate text with a seq2seq model: greedy, sampled (--temperature, --top-k, --top-p, --seed) or beam "
                + "search (--beam); optionally draw the attention as a heat map.")
final class TranslateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "a seq2seq model directory")
    Path model;

    @Option(names = "--text", required = true, description = "the sentence to translate")
    String text;

    @Option(names = "--beam", defaultValue = "1", description = "beam width; 1 = greedy (default: ${DEFAULT-VALUE})")
    int beam;

    @Option(names = "--alpha", defaultValue = "1.0", description = "beam length normalisation: score = log p / length^alpha (default: ${DEFAULT-VALUE})")
    double alpha;

    @Option(names = "--temperature", defaultValue = "0", description = "sample at this temperature instead of decoding greedily; 0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "when sampling: from the k most likely tokens; 0 = all (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "when sampling: nucleus threshold (default: ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--seed", defaultValue = "1337", description = "when sampling: random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--attention-map", description = "write the attention weights as an SVG heat map (attention models only)")
    Path attentionMap;

    @Option(names = "--layer", description = "with --attention-map, for a Transformer: the decoder layer whose cross-attention "
            + "is drawn, one panel per head, 0 = first (default: the last)")
    Integer layer;

    @Option(names = "--force", description = "overwrite an existing --attention-map file")
    boolean force;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        threads.validate();
        if (beam < 1) {
            throw new UserException("--beam must be >= 1 (1 = greedy), got " + beam);
        }
        SamplingConfig sampling = new SamplingConfig(temperature, topK, topP);
        if (beam > 1 && temperature > 0) {
            throw new UserException("--beam searches for the most likely output; it does not combine with --temperature > 0");
        }
        if (beam == 1) {
            Options.onlyFor(spec, "beam search (--beam > 1)", "--alpha");
        }
        if (temperature == 0) {
            Options.onlyFor(spec, "sampling (--temperature > 0)", "--top-k", "--top-p", "--seed");
        }
        if (!(alpha >= 0)) {
            throw new UserException("--alpha must be >= 0, got " + alpha);
        }
        if (attentionMap == null) {
            Options.onlyFor(spec, "--attention-map", "--force", "--layer");
        } else {
            OutputFile.check("--attention-map", attentionMap, force);
        }
        ModelDirectory.Loaded.Translator loaded = ModelDirectory.loadTranslator(model, "translate");
        TranslationModel m = loaded.model();
        PairTokenizer tok = loaded.tokenizer();
        PrintWriter err = spec.commandLine().getErr();
        if (attentionMap != null && !m.attends()) {
            throw new UserException("--attention-map: the model has attention \"" + m.attentionName()
                    + "\", which does not attend over the source; train with --attention bahdanau or luong-*");
        }
        int layers = m.attentionLayers();
        if (layer != null && (layer < 0 || layer >= layers)) {
            throw new UserException("--layer " + layer + " does not exist: the model's decoder has " + layers + " layer"
                    + (layers == 1 ? " (0)" : "s (0 … " + (layers - 1) + ")"));
        }
        List<String> words = tok.tokens(text);
        if (words.isEmpty() || text.isBlank()) {
            throw new UserException("--text is empty; give a sentence to translate");
        }
        if (words.size() + 1 > m.maxLength()) {
            throw new UserException("--text has " + (words.size() + 1) + " tokens with <eos>, more than the model's limit of "
                    + m.maxLength() + " (" + m.maxLengthField() + " in " + model.resolve(ModelDirectory.CONFIG) + "); shorten the text");
        }
        Set<String> unknown = new LinkedHashSet<>();
        for (String w : words) {
            if (!tok.source().contains(w)) {
                unknown.add(w);
            }
        }
        requireBeam(beam, 1, m);
        loaded.warnings().forEach(w -> err.println("seqlab: warning: " + w));            // said once nothing can be refused
        if (!unknown.isEmpty()) {
            err.println("seqlab: " + unknown.size() + " source " + (unknown.size() == 1 ? "token is" : "tokens are")
                    + " not in the model's vocabulary and will be read as <unk>: " + Text.forTerminal(String.join(" ", unknown)));
        }
        int[] src = tok.encodeSource(text);
        threads.apply(err);
        Translator tr = new Translator(m);
        Translator.Translation best = beam == 1
                ? tr.decode(List.of(src), m.maxLength(), sampling, new Rng(seed)).get(0)
                : tr.beam(src, beam, m.maxLength(), alpha).get(0);
        List<String> output = tok.decodeTarget(best.tokens());
        spec.commandLine().getOut().println(Text.forTerminal(tok.join(output)));
        if (attentionMap != null) {
            List<String> srcLabels = new ArrayList<>(words);
            srcLabels.add("<eos>");
            List<String> tgtLabels = new ArrayList<>();
            for (int id : best.tokens()) {
                tgtLabels.add(tok.target().words().get(id));
            }
            String title = String.format(Locale.ROOT, "%s attention: %s", m.attentionName(), Text.forTerminal(text));
            int perLayer = best.heads() / layers;
            if (perLayer == 1) {
                HeatMap.attention(title, srcLabels, tgtLabels, best.head(layer == null ? layers - 1 : layer)).write(attentionMap);
            } else {
                int l = layer == null ? layers - 1 : layer;
                List<HeatMap> panels = new ArrayList<>();
                for (int h = 0; h < perLayer; h++) {
                    panels.add(HeatMap.attention("head " + h, srcLabels, tgtLabels, best.head(l * perLayer + h)));
                }
                seqlab.io.AtomicFiles.writeString(attentionMap, HeatMap.grid(String.format(Locale.ROOT, "%s of decoder layer %d: %s",
                        m.attentionName(), l, Text.forTerminal(text)), panels,
                        Math.min(4, perLayer)));
            }
            err.println("seqlab: attention map written to " + attentionMap);
        }
        return 0;
    }

    /**
     * A beam wider than the target vocabulary keeps hypotheses no first step can fill: the width is
     * capped there. A search step scores beam × vocabulary continuations of each of {@code batch}
     * sentences at once; what that needs must fit the heap.
     */
    static void requireBeam(int beam, int batch, TranslationModel m) {
        int v = m.targetVocab();
        if (beam > v) {
            throw new UserException(String.format(Locale.ROOT, "--beam %,d is wider than the model's target vocabulary of %,d tokens; "
                    + "use at most %,d (widths of 4 to 10 are usual)", beam, v, v));
        }
        double bytes = 3.0 * batch * beam * v * Float.BYTES;                    // logits, log-probabilities, candidate scores
        long free = seqlab.model.Footprint.freeHeap();
        if (bytes > free) {
            throw new UserException(String.format(Locale.ROOT, "--beam %,d over %,d sentences at once scores %,.0f continuations a step "
                    + "(about %.1f GB), more than the %.1f GB the Java heap has free; use a smaller --beam%s", beam, batch,
                    (double) batch * beam * v, bytes / (1L << 30), free / (double) (1L << 30), batch > 1 ? " or --batch" : ""));
        }
    }

}
