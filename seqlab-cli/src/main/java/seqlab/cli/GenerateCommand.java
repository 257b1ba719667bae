package seqlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import seqlab.decode.Generator;
import seqlab.decode.SamplingConfig;
import seqlab.model.ModelDirectory;
import seqlab.tensor.Rng;
import seqlab.text.CharTokenizer;
import seqlab.text.Text;
import seqlab.text.Tokenizer;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a trained language model, token by token.")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "model directory (config.json, model.safetensors, tokenizer.json)")
    Path model;

    @Option(names = "--prompt", description = "text to start from (default: a newline, if the vocabulary has one; "
            + "<|endoftext|> for a BPE tokenizer that has it)")
    String prompt;

    @Option(names = "--prompts", paramLabel = "FILE", description = "continue every line of this UTF-8 file, all in one batch (a "
            + "Transformer's rows left-padded); each line is printed with its continuation, an empty line between rows")
    Path prompts;

    @Option(names = "--prompt-ids", split = ",", description = "token ids to start from, for a model without tokenizer.json")
    int[] promptIds;

    @Option(names = "--tokens", defaultValue = "200", description = "new tokens to generate (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--temperature", defaultValue = "1.0", description = "softmax temperature; 0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "sample from the k most likely tokens; 0 = all (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "nucleus sampling threshold (default: ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--repetition-penalty", defaultValue = "1.0", description = "divide the positive logits of tokens already in the "
            + "text by this, multiply the negative ones (Hugging Face's repetition_penalty); 1 = off (default: ${DEFAULT-VALUE})")
    float repetitionPenalty;

    @Option(names = "--stop", description = "stop after the first of these token ids (comma-separated; kept in the output)", split = ",")
    int[] stop;

    @Option(names = "--beam", description = "beam search of this width instead of sampling: the most likely continuation of up to "
            + "--tokens, ended by the first --stop id or the model's eos_token_id")
    Integer beam;

    @Option(names = "--alpha", defaultValue = "0.0", description = "--beam: length normalisation, score = log p / length^alpha "
            + "(default: ${DEFAULT-VALUE})")
    double alpha;

    @Option(names = "--seed", defaultValue = "1337", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        threads.validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (tokens < 0) {
            throw new UserException("--tokens must be >= 0, got " + tokens);
        }
        if (beam != null) {
            Options.onlyFor(spec, "sampling (without --beam)", "--temperature", "--top-k", "--top-p", "--seed", "--repetition-penalty");
            if (beam < 1) {
                throw new UserException("--beam must be >= 1, got " + beam);
            }
            if (tokens < 1) {
                throw new UserException("--beam needs --tokens of at least 1, got " + tokens);
            }
            if (stop != null && stop.length > 1) {
                throw new UserException("--beam ends hypotheses at one token: give one --stop id, got " + stop.length);
            }
            if (!(alpha >= 0)) {
                throw new UserException("--alpha must be >= 0, got " + alpha);
            }
        } else {
            Options.onlyFor(spec, "beam search (--beam)", "--alpha");
        }
        if (temperature == 0) {
            Options.onlyFor(spec, "sampling (--temperature > 0)", "--top-k", "--top-p", "--seed");
        }
        SamplingConfig sampling;
        try {
            sampling = new SamplingConfig(temperature, topK, topP, repetitionPenalty);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage().replace("repetition penalty", "--repetition-penalty"));
        }
        if (prompts != null) {
            if (prompt != null || promptIds != null || beam != null) {
                throw new UserException("--prompts cannot be given with --prompt, --prompt-ids or --beam");
            }
            java.util.List<String> lines = Text.readUtf8(prompts).lines().toList();
            ModelDirectory.Loaded.Generator loaded = ModelDirectory.loadGenerator(model, "generate");
            Tokenizer tok = loaded.tokenizer();
            if (tok == null) {
                throw new UserException(model + " has no tokenizer.json, so it cannot read --prompts; give token ids with --prompt-ids");
            }
            int[][] rows = new int[lines.size()][];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = tok.encode(lines.get(r));
                if (rows[r].length == 0) {
                    throw new UserException("--prompts " + prompts + ": line " + (r + 1) + " has no tokens; every line is a prompt");
                }
                if (rows[r].length > loaded.model().contextLength()) {
                    throw new UserException("--prompts " + prompts + ": line " + (r + 1) + " has " + rows[r].length + " tokens, more than "
                            + "the model's context window (" + loaded.model().contextField() + " " + loaded.model().contextLength() + ")");
                }
            }
            if (rows.length == 0) {
                throw new UserException("--prompts " + prompts + " has no lines; write one prompt per line");
            }
            loaded.warnings().forEach(w -> err.println("seqlab: warning: " + w));
            threads.apply(err);
            long t0 = System.nanoTime();
            checkStop(loaded, tok);
            int[][] made = Generator.generate(loaded.model(), rows, tokens, choices(loaded, tok), sampling, stop, new Rng(seed));
            long count = 0;
            for (int r = 0; r < rows.length; r++) {
                String text = tok.decode(made[r]);
                if (r > 0) {
                    out.println();                                  // rows apart: a continuation may hold newlines of its own
                }
                out.println(Text.forTerminal(lines.get(r) + continuation(tok, text)));
                count += made[r].length;
            }
            out.flush();
            double seconds = (System.nanoTime() - t0) / 1e9;
            err.printf(java.util.Locale.ROOT, "seqlab: %,d prompts in one batch, %,d new tokens in %.2f s: %.1f tokens/s%n", rows.length, count,
                    seconds, count / Math.max(seconds, 1e-9));
            return 0;
        }
        ModelDirectory.Loaded.Generator loaded = ModelDirectory.loadGenerator(model, "generate");
        loaded.warnings().forEach(w -> err.println("seqlab: warning: " + w));
        Tokenizer tok = loaded.tokenizer();
        int[] ids;
        if (promptIds != null) {
            if (prompt != null) {
                throw new UserException("give --prompt or --prompt-ids, not both");
            }
            ids = promptIds;
            Tokenizer.checkIds(ids, loaded.model().vocabSize());
        } else if (tok == null) {
            throw new UserException(model + " has no tokenizer.json; give the prompt as token ids with --prompt-ids 1,2,3");
        } else {
            String p = prompt != null ? prompt : defaultPrompt(tok);
            boolean shown = prompt != null || !p.equals(END_OF_TEXT);
            if (p.isEmpty()) {
                throw new UserException("--prompt is empty; give at least one " + (tok.type().equals("char") ? "character" : "word"));
            }
            ids = tok.encode(p);
            if (ids.length == 0) {
                throw new UserException("--prompt \"" + Text.escape(p) + "\" has no tokens; give at least one word");
            }
            List<String> unknown = tok.unknownWords(p);
            if (!unknown.isEmpty()) {
                err.println("seqlab: " + unknown.size() + " prompt " + (unknown.size() == 1 ? "word is" : "words are")
                        + " not in the model's vocabulary and will be read as <unk>: " + Text.forTerminal(String.join(" ", unknown)));
                err.flush();
            }
            if (shown) {
                out.print(Text.forTerminal(p));
            }
        }
        checkStop(loaded, tok);
        Integer eos = stop != null ? Integer.valueOf(stop[0]) : loaded.model().eosTokenId();
        if (beam != null && eos == null) {
            throw new UserException("--beam needs a token that ends a text: the model has no eos_token_id; give one with --stop ID");
        }
        threads.apply(err);
        boolean asIds = tok == null || promptIds != null;
        if (beam != null) {
            long b0 = System.nanoTime();
            var found = Generator.beam(loaded.model(), ids, tokens, choices(loaded, tok), beam, alpha, eos);
            int[] best = found.get(0).tokens();
            if (asIds) {
                out.print(String.join(",", java.util.Arrays.stream(best).mapToObj(String::valueOf).toList()));
            } else {
                String text = tok.decode(best);
                out.print(Text.forTerminal(continuation(tok, text)));
            }
            out.println();
            out.flush();
            err.printf(java.util.Locale.ROOT, "seqlab: beam %d: the best of %d hypotheses, %d tokens, log p %.4f, score %.4f, in %.2f s%n",
                    beam, found.size(), best.length, found.get(0).logProb(), found.get(0).score(), (System.nanoTime() - b0) / 1e9);
            return 0;
        }
        long[] written = {0};
        // each token is written and flushed as it comes; a reader that goes away (| head) ends the generation
        seqlab.text.StreamingDecoder decoder = tok == null ? null : tok.streamingDecoder();
        long t0 = System.nanoTime();
        long made = Generator.stream(loaded.model(), ids, tokens, choices(loaded, tok), sampling, new Rng(seed), id -> {
            if (asIds) {
                out.print((written[0]++ > 0 ? "," : "") + id);
            } else {
                String piece = decoder.next(id);
                out.print(Text.forTerminal(continuation(tok, piece)));
            }
            out.flush();
            return !out.checkError() && !(stop != null && java.util.Arrays.stream(stop).anyMatch(s -> s == id));
        });
        if (decoder != null && !asIds) {
            out.print(Text.forTerminal(decoder.end()));            // a character the last tokens left incomplete
        }
        out.println();
        out.flush();
        if (out.checkError()) {
            return 0;                                          // the reader has gone (| head): nothing more to say
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        err.printf(java.util.Locale.ROOT, "seqlab: %,d new tokens in %.2f s (prompt of %,d read in one pass): %.1f tokens/s%n", made, seconds,
                ids.length, made / Math.max(seconds, 1e-9));
        return 0;
    }

    private static final String END_OF_TEXT = seqlab.text.ByteLevelBpe.END_OF_TEXT;

    /** Each --stop id must be one generation can draw: below {@link #choices}. */
    private void checkStop(ModelDirectory.Loaded.Generator loaded, Tokenizer tok) {
        if (stop == null) {
            return;
        }
        int choices = choices(loaded, tok);
        for (int id : stop) {
            if (id < 0 || id >= choices) {
                throw new UserException("--stop " + id + " can never be drawn: generation chooses among ids 0 to " + (choices - 1)
                        + (choices < loaded.model().vocabSize() ? " (the tokenizer's; the model has " + loaded.model().vocabSize()
                        + " output rows)" : "") + "; give a stop id in that range");
            }
        }
    }

    /** The ids generation chooses among: the tokenizer's (a model may have spare output rows, which no text has), or all. */
    private static int choices(ModelDirectory.Loaded.Generator loaded, Tokenizer tok) {
        return tok == null ? loaded.model().vocabSize() : Math.min(tok.vocabSize(), loaded.model().vocabSize());
    }

    /** Text that follows what is printed: a word tokenizer's words after a space (not a line break, nor nothing). */
    private static String continuation(Tokenizer tok, String text) {
        return tok.type().equals("word") && !text.isEmpty() && !text.startsWith("\n") ? " " + text : text;
    }

    private static String defaultPrompt(Tokenizer tok) {
        if (tok instanceof CharTokenizer c && c.covers("\n")) {
            return "\n";
        }
        if (tok instanceof seqlab.text.ByteLevelBpe b && b.endOfText() >= 0) {
            return END_OF_TEXT;                                // GPT-2's start of a document
        }
        throw new UserException("give a --prompt to start from");
    }
}
