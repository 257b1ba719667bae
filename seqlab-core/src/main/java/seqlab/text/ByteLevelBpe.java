package seqlab.text;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import seqlab.io.FormatException;
import seqlab.io.InputFiles;
import seqlab.io.Json;
import seqlab.io.JsonFields;

/**
 * GPT-2's byte-level BPE (Radford et al., 2019, and OpenAI's {@code encoder.py}): a text is cut
 * into pieces by {@link #PIECES}; each piece's UTF-8 bytes become byte symbols, one printable
 * character per byte ({@link ByteSymbols}); then, repeatedly, the adjacent pair of symbols whose
 * merge has the lowest rank is merged, the leftmost first, until no pair has a merge; each final
 * symbol is a token of the vocabulary. {@value #END_OF_TEXT} in the text is the special token of
 * that name when the vocabulary has it, never cut into pieces; so is each added token of a Hugging
 * Face {@code tokenizer.json} ({@link AddedToken}: matched before the text is cut into pieces, as
 * Hugging Face matches them, first those with {@code normalized} false over the whole text, then
 * the others in what is left, each pass leftmost and the longest first; those past the BPE
 * vocabulary take the ids after it). An added token decodes to its content's UTF-8 (Hugging Face's
 * released tokenizers pass it through the ByteLevel decoder, which changes content outside the
 * byte symbols' printable ASCII; GPT-2's {@value #END_OF_TEXT} is the same either way).
 *
 * <p>Merging keeps the symbols of a piece in a linked list and its mergeable pairs in a heap
 * ordered by (rank, position): O(n log n) for a piece of n bytes, where merging the best pair and
 * rescanning is O(n²) (a run of 100,000 letters is one piece). The result is Hugging Face's (the
 * same heap); it equals {@code encoder.py}'s whenever every pair holding a merged token ranks after
 * the merge that makes it, as in GPT-2's own merges. A pair listed twice takes its last rank, as
 * both do. {@value #END_OF_TEXT} is special as in Hugging Face's tokenizers (a literal one in a
 * text is the separator; {@code encoder.py} has no special token and cuts it into three). Pieces up to {@value #CACHED_CHARS}
 * characters are cached. Safe for concurrent use.
 *
 * <p>Letters and numbers are Java's Unicode classes ({@code \p{L}}, {@code \p{N}}; Unicode 16 in
 * JDK 25), and whitespace is {@code \s} under {@link Pattern#UNICODE_CHARACTER_CLASS}, the
 * White_Space property, which is the set Python's {@code regex} module matches for {@code \s}. A
 * character that a later Unicode version classed as a letter may therefore be cut differently by
 * a Python {@code regex} built with older tables.
 */
public final class ByteLevelBpe implements Tokenizer {

    /** GPT-2's document separator. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    /**
     * GPT-2's pieces: the contractions 's 't 're 've 'm 'll 'd (lower case only, as GPT-2 has
     * them), letters, numbers and other symbols each with at most one leading space, whitespace
     * that is not followed by a non-space (so that a space before a word goes with the word), and
     * whitespace.
     */
    public static final Pattern PIECES = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    static final int CACHED_CHARS = 64;
    private static final int CACHE_ENTRIES = 1 << 16;

    /**
     * A token matched in the text before it is cut into pieces (Hugging Face's added token with
     * lstrip, rstrip and single_word false). {@code normalized} false tokens are matched first;
     * {@code special} is kept for the {@code tokenizer.json} written back.
     */
    public record AddedToken(String content, int id, boolean special, boolean normalized) {
        public AddedToken {
            if (content.isEmpty() || id < 0) {
                throw new IllegalArgumentException("an added token needs content and an id >= 0, got '" + content + "' at " + id);
            }
        }
    }

    private final String[] tokens;              // id → token: the BPE vocabulary's in byte symbols, then added tokens' content
    private final byte[][] tokenBytes;          // id → the bytes it stands for
    private final int bpeSize;                  // the BPE vocabulary's tokens (vocab.json), before any added past it
    private final Map<String, Integer> ids;
    private final int[] byteIds = new int[256]; // byte → the id of its one-symbol token
    private final PairTable merges;             // (left id, right id) → (rank, merged id)
    private final List<String[]> pairs;         // the merges in rank order, as read
    private final List<AddedToken> added;       // in id order
    private final Map<String, Integer> addedIds;  // content → id
    private final Pattern raw;                  // the added tokens with normalized false, longest first; null when none
    private final Pattern normalized;           // those with normalized true, longest first; null when none
    private final int endOfText;                // −1 when it is not an added token
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ByteLevelBpe(String[] tokens, Map<String, Integer> ids, PairTable merges, List<String[]> pairs) {
        this.tokens = tokens;
        this.bpeSize = tokens.length;
        this.ids = ids;
        this.merges = merges;
        this.pairs = pairs;
        this.tokenBytes = new byte[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            tokenBytes[i] = ByteSymbols.toBytes(tokens[i]);
        }
        for (int b = 0; b < 256; b++) {
            byteIds[b] = ids.get(String.valueOf(ByteSymbols.symbol(b)));
        }
        Integer eot = ids.get(END_OF_TEXT);
        this.added = eot == null ? List.of() : List.of(new AddedToken(END_OF_TEXT, eot, true, true));
        this.addedIds = eot == null ? Map.of() : Map.of(END_OF_TEXT, eot);
        this.raw = null;
        this.normalized = pattern(added, true);
        this.endOfText = eot == null ? -1 : eot;
    }

    /**
     * Reads a vocabulary (JSON object token → id: OpenAI's {@code encoder.json}, Hugging Face's
     * {@code vocab.json}) and its merges (one pair "left right" a line, in rank order, after an
     * optional {@code #version} line: {@code vocab.bpe}, {@code merges.txt}).
     */
    public static ByteLevelBpe read(Path vocabJson, Path mergesTxt) {
        InputFiles.requireRegular(vocabJson, "a vocabulary JSON file (encoder.json or vocab.json)");
        InputFiles.requireRegular(mergesTxt, "a merges file (vocab.bpe or merges.txt)");
        return of(Text.readJson(vocabJson).map(), vocabJson.toString(),
                mergeLines(Text.readUtf8(mergesTxt).lines().toList(), mergesTxt.toString()), mergesTxt.toString());
    }

    /** The pairs of a merges file's lines: "left right" each, after an optional {@code #version} line. */
    static List<String[]> mergeLines(List<String> lines, String source) {
        List<String[]> out = new java.util.ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#version")) || (line.isEmpty() && i == lines.size() - 1)) {
                continue;
            }
            out.add(pair(line, source, "line " + (i + 1)));
        }
        return out;
    }

    /** One merge written "left right": {left, right, where}. */
    private static String[] pair(String line, String source, String where) {
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
            throw new FormatException(source + ": " + where + " must be two tokens separated by one space, got '" + line + "'");
        }
        return new String[] {line.substring(0, space), line.substring(space + 1), where};
    }

    /**
     * Reads a Hugging Face {@code tokenizer.json} of a byte-level BPE model: {@code model} of type
     * BPE (or with no type but merges), its {@code vocab} and {@code merges} ("left right" strings or
     * [left, right] pairs), a {@code ByteLevel} pre-tokenizer without a prefix space, and no added
     * token but {@value #END_OF_TEXT} (at its vocabulary id).
     */
    static ByteLevelBpe fromHuggingFace(JsonFields j) {
        JsonFields model = j.object("model");
        String type = model.string("type", model.has("merges") ? "BPE" : "none");
        if (!type.equals("BPE")) {
            throw new FormatException(j.where() + ": model type is " + type + "; seqlab reads byte-level BPE tokenizer.json files "
                    + "(model type BPE, pre-tokenizer ByteLevel)");
        }
        if (!j.has("pre_tokenizer")) {
            throw new FormatException(j.where() + ": pre_tokenizer is missing or null; a byte-level BPE has pre_tokenizer ByteLevel");
        }
        JsonFields pre = j.object("pre_tokenizer");
        if (!pre.string("type", "none").equals("ByteLevel")) {
            throw new FormatException(j.where() + ": pre_tokenizer is " + pre.string("type", "none")
                    + "; seqlab reads byte-level BPE tokenizer.json files (pre_tokenizer ByteLevel)");
        }
        if (pre.bool("add_prefix_space", false) || !pre.bool("use_regex", true)) {
            throw new FormatException(j.where() + ": pre_tokenizer ByteLevel with add_prefix_space true or use_regex false is not "
                    + "supported (GPT-2's has false and true)");
        }
        unsupported(j, j.has("normalizer"), "a normalizer");
        unsupported(j, j.has("decoder") && !j.object("decoder").string("type", "none").equals("ByteLevel"), "a decoder other than ByteLevel");
        unsupported(j, model.bool("ignore_merges", false), "model.ignore_merges true");
        unsupported(j, model.bool("byte_fallback", false), "model.byte_fallback true");
        unsupported(j, model.has("dropout"), "model.dropout");
        unsupported(j, !model.string("continuing_subword_prefix", "").isEmpty() || !model.string("end_of_word_suffix", "").isEmpty(),
                "a continuing_subword_prefix or end_of_word_suffix");
        List<String[]> pairs = new java.util.ArrayList<>();
        List<Object> raw = model.list("merges");
        for (int i = 0; i < raw.size(); i++) {
            Object m = raw.get(i);
            if (m instanceof String line) {
                pairs.add(pair(line, model.where(), "merges entry " + i));
            } else if (m instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String a && l.get(1) instanceof String b
                    && !a.isEmpty() && !b.isEmpty()) {
                pairs.add(new String[] {a, b, "merges entry " + i});
            } else {
                throw new FormatException(model.where() + ": merges entry " + i + " must be \"left right\" or [left, right], got " + m);
            }
        }
        ByteLevelBpe bpe = of(model.map().get("vocab"), model.where() + " → vocab", pairs, model.where());
        List<Object> listed = j.has("added_tokens") ? j.list("added_tokens") : List.of();
        List<AddedToken> added = new java.util.ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
            if (!(listed.get(i) instanceof Map<?, ?>)) {
                throw new FormatException(j.where() + ": added_tokens entry " + i + " must be an object, got " + listed.get(i));
            }
            JsonFields t = new JsonFields(listed.get(i), j.where() + " → added_tokens entry " + i);
            String content = t.string("content");
            int id = (int) t.integer("id", 0, Integer.MAX_VALUE);
            unsupported(j, t.bool("lstrip", false) || t.bool("rstrip", false) || t.bool("single_word", false),
                    "an added token with lstrip, rstrip or single_word true");
            if (content.isEmpty()) {
                throw new FormatException(t.where() + ": content is empty; an added token is a non-empty string");
            }
            added.add(new AddedToken(content, id, t.bool("special", false), t.bool("normalized", true)));
        }
        return bpe.withAdded(added, j.where());
    }

    private static void unsupported(JsonFields j, boolean present, String what) {
        if (present) {
            throw new FormatException(j.where() + ": " + what + " is not supported (GPT-2's tokenizer.json has none)");
        }
    }

    /**
     * This BPE with exactly these added tokens (a tokenizer.json's list; without {@value #END_OF_TEXT}
     * in it, that is plain text). A token of the BPE vocabulary is added at its own id; the others
     * take the ids after the vocabulary, without gaps.
     */
    private ByteLevelBpe withAdded(List<AddedToken> list, String where) {
        List<AddedToken> sorted = list.stream().sorted(java.util.Comparator.comparingInt(AddedToken::id)).toList();
        java.util.Set<String> contents = new java.util.HashSet<>();
        int next = bpeSize;
        for (AddedToken t : sorted) {
            Integer own = ids.get(t.content());
            if (!contents.add(t.content())) {
                throw new FormatException(where + ": added token '" + t.content() + "' is listed twice; list each token once");
            }
            if (t.id() < next && t.id() >= bpeSize) {
                throw new FormatException(where + ": added token id " + t.id() + " is given to both '" + tokens(sorted, t.id())
                        + "'; give each added token its own id");
            }
            if (t.id() < bpeSize && (own == null || own != t.id())) {
                throw new FormatException(where + ": added token '" + t.content() + "' has id " + t.id() + ", which is the vocabulary's '"
                        + tokens[t.id()] + "'; " + (own == null ? "give it an id from " + bpeSize + " on" : "give it its vocabulary id " + own));
            }
            if (t.id() >= bpeSize) {
                if (own != null) {
                    throw new FormatException(where + ": added token '" + t.content() + "' has id " + t.id() + ", but the vocabulary "
                            + "has it at " + own + "; give it that id");
                }
                if (t.id() != next) {
                    throw new FormatException(where + ": added token '" + t.content() + "' has id " + t.id() + "; the ids after the "
                            + "vocabulary's " + bpeSize + " must follow on without gaps: give it " + next);
                }
                next++;
            }
        }
        return new ByteLevelBpe(this, sorted, next);
    }

    /** The contents of the added tokens with this id, joined "' and '". */
    private static String tokens(List<AddedToken> added, int id) {
        return String.join("' and '", added.stream().filter(t -> t.id() == id).map(AddedToken::content).toList());
    }

    /** {@code other}'s BPE tables, shared, with these added tokens (sorted by id), {@code size} tokens in all. */
    private ByteLevelBpe(ByteLevelBpe other, List<AddedToken> added, int size) {
        this.bpeSize = other.bpeSize;
        this.tokens = Arrays.copyOf(other.tokens, size);
        this.tokenBytes = Arrays.copyOf(other.tokenBytes, size);
        for (AddedToken t : added) {
            if (t.id() >= bpeSize) {
                tokens[t.id()] = t.content();
                tokenBytes[t.id()] = t.content().getBytes(StandardCharsets.UTF_8);
            }
        }
        this.ids = other.ids;
        this.merges = other.merges;
        this.pairs = other.pairs;
        System.arraycopy(other.byteIds, 0, byteIds, 0, 256);
        this.added = added;
        this.addedIds = new java.util.HashMap<>();
        for (AddedToken t : added) {
            addedIds.put(t.content(), t.id());
        }
        this.raw = pattern(added, false);
        this.normalized = pattern(added, true);
        this.endOfText = addedIds.getOrDefault(END_OF_TEXT, -1);
    }

    /** The added tokens of one {@code normalized} kind as one pattern, the longest first (at one position the longest matches), or null. */
    private static Pattern pattern(List<AddedToken> added, boolean normalized) {
        List<String> contents = added.stream().filter(t -> t.normalized() == normalized).map(AddedToken::content)
                .sorted(java.util.Comparator.comparingInt(String::length).reversed()).map(Pattern::quote).toList();
        return contents.isEmpty() ? null : Pattern.compile(String.join("|", contents));
    }

    /** The tokenizer of a parsed vocabulary object and merge pairs (left, right, where), in rank order. */
    static ByteLevelBpe of(Object vocab, String vocabSource, List<String[]> mergePairs, String mergesSource) {
        if (!(vocab instanceof Map<?, ?> map)) {
            throw new FormatException(vocabSource + ": expected a JSON object of token → id");
        }
        String[] tokens = new String[map.size()];
        Map<String, Integer> ids = new java.util.HashMap<>(map.size() * 2);
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String token = (String) e.getKey();
            if (!(e.getValue() instanceof Json.Num n) || !n.isInteger() || n.text().length() > 10 || n.longValueExact() < 0
                    || n.longValueExact() >= tokens.length) {
                throw new FormatException(vocabSource + ": the id of token '" + token + "' must be an integer in [0, "
                        + tokens.length + "), got " + e.getValue());
            }
            int id = (int) n.longValueExact();
            if (tokens[id] != null) {
                throw new FormatException(vocabSource + ": id " + id + " is given to both '" + tokens[id] + "' and '" + token + "'");
            }
            tokens[id] = token;
            ids.put(token, id);
        }
        PairTable merges = new PairTable(mergePairs.size());
        List<String[]> kept = new java.util.ArrayList<>(mergePairs.size());
        int rank = 0;
        for (String[] p : mergePairs) {
            String left = p[0];
            String right = p[1];
            Integer l = ids.get(left);
            Integer r = ids.get(right);
            Integer merged = ids.get(left + right);
            if (l == null || r == null || merged == null) {
                String missing = l == null ? left : r == null ? right : left + right;
                throw new FormatException(mergesSource + ": " + p[2] + " merges '" + left + "' and '" + right
                        + "', but the vocabulary has no token '" + missing + "'");
            }
            merges.put(l, r, rank, merged);                      // a repeated pair takes its last rank
            kept.add(new String[] {left, right});
            rank++;
        }
        for (int b = 0; b < 256; b++) {
            if (!ids.containsKey(String.valueOf(ByteSymbols.symbol(b)))) {
                throw new FormatException(vocabSource + ": the vocabulary has no token for the byte 0x" + Integer.toHexString(b)
                        + " ('" + ByteSymbols.symbol(b) + "'): not a byte-level BPE vocabulary");
            }
        }
        return new ByteLevelBpe(tokens, ids, merges, kept);
    }

    @Override
    public String type() {
        return "bpe";
    }

    @Override
    public List<String> vocab() {
        return List.of(tokens);
    }

    /**
     * Hugging Face's {@code tokenizer.json} for this model (GPT-2's layout): BPE with the vocabulary
     * and the merges as "left right" strings, ByteLevel pre-tokenizer, post-processor and decoder,
     * and the added tokens ({@value #END_OF_TEXT}, a special one, when the vocabulary has it).
     */
    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("version", "1.0");
        m.put("truncation", Json.NULL);
        m.put("padding", Json.NULL);
        List<Object> addedJson = new java.util.ArrayList<>();
        for (AddedToken a : added) {
            Map<String, Object> t = new java.util.LinkedHashMap<>();
            t.put("id", new Json.Num(String.valueOf(a.id())));
            t.put("content", a.content());
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", a.normalized());
            t.put("special", a.special());
            addedJson.add(t);
        }
        m.put("added_tokens", addedJson);
        m.put("normalizer", Json.NULL);
        m.put("pre_tokenizer", byteLevel(false, true));
        m.put("post_processor", byteLevel(true, false));
        m.put("decoder", byteLevel(true, true));
        Map<String, Object> model = new java.util.LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", Json.NULL);
        model.put("unk_token", Json.NULL);
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        model.put("vocab", vocabJson());
        List<Object> merged = new java.util.ArrayList<>(pairs.size());
        for (String[] p : pairs) {
            merged.add(p[0] + " " + p[1]);                 // the form every version of tokenizers reads (pairs: 0.20 on)
        }
        model.put("merges", merged);
        m.put("model", model);
        return m;
    }

    /**
     * The BPE vocabulary as OpenAI's {@code encoder.json} and Hugging Face's {@code vocab.json} hold
     * it: token → id (added tokens past it are in {@code tokenizer.json} only).
     */
    public Map<String, Object> vocabJson() {
        Map<String, Object> vocab = new java.util.LinkedHashMap<>();
        for (int i = 0; i < bpeSize; i++) {
            vocab.put(tokens[i], new Json.Num(String.valueOf(i)));
        }
        return vocab;
    }

    /** The merges as {@code vocab.bpe} and {@code merges.txt} hold them: a version line, then "left right" a line in rank order. */
    public String mergesTxt() {
        StringBuilder b = new StringBuilder("#version: 0.2\n");
        for (String[] p : pairs) {
            b.append(p[0]).append(' ').append(p[1]).append('\n');
        }
        return b.toString();
    }

    /** The number of merges. */
    public int mergeCount() {
        return pairs.size();
    }

    private static Map<String, Object> byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        Map<String, Object> b = new java.util.LinkedHashMap<>();
        b.put("type", "ByteLevel");
        b.put("add_prefix_space", addPrefixSpace);
        b.put("trim_offsets", trimOffsets);
        b.put("use_regex", true);
        return b;
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    /** The added tokens, in id order. */
    public List<AddedToken> addedTokens() {
        return added;
    }

    /** The token of an id, in byte symbols (Ġ for a space); an added token past the BPE vocabulary as it is. */
    public String token(int id) {
        return tokens[id];
    }

    /** The files {@link #write} writes: Hugging Face's tokenizer.json, and GPT-2's vocab.json + merges.txt. */
    public static final java.util.List<String> FILES = java.util.List.of("tokenizer.json", "vocab.json", "merges.txt");

    /** Writes {@link #FILES} into {@code dir} (which must exist), each atomically. */
    public void write(java.nio.file.Path dir) {
        seqlab.io.AtomicFiles.writeString(dir.resolve("tokenizer.json"), seqlab.io.Json.writePretty(toJson()));
        seqlab.io.AtomicFiles.writeString(dir.resolve("vocab.json"), seqlab.io.Json.write(vocabJson()));
        seqlab.io.AtomicFiles.writeString(dir.resolve("merges.txt"), mergesTxt());
    }

    /** The id of {@value #END_OF_TEXT}, or −1 when it is not an added token. */
    public int endOfText() {
        return endOfText;
    }

    /** The ids of a text. */
    @Override
    public int[] encode(String text) {
        IntBuffer out = new IntBuffer();
        encodeAround(raw, text, out, segment -> encodeAround(normalized, segment, out, rest -> encodeOrdinary(rest, out)));
        return out.toArray();
    }

    /** The added tokens {@code tokens} matches in text, each as its id; the text between them to {@code between}. */
    private void encodeAround(Pattern tokens, String text, IntBuffer out, java.util.function.Consumer<String> between) {
        if (tokens == null) {
            between.accept(text);
            return;
        }
        Matcher m = tokens.matcher(text);
        int from = 0;
        while (m.find()) {
            between.accept(text.substring(from, m.start()));
            out.add(addedIds.get(m.group()));
            from = m.end();
        }
        between.accept(text.substring(from));
    }

    /**
     * The ids of any bytes, so that {@link #decodeBytes} gives them back exactly: each run of valid
     * UTF-8 is encoded as its text ({@link #encode(String)}), and each byte of an invalid sequence
     * is a piece of its own, its one-byte token. On valid UTF-8 this equals {@code encode(String)}.
     */
    @Override
    public int[] encode(byte[] bytes) {
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer run = java.nio.CharBuffer.allocate(bytes.length);
        IntBuffer out = new IntBuffer();
        while (true) {
            java.nio.charset.CoderResult r = utf8.decode(in, run, true);
            out.addAll(encode(run.flip().toString()));
            run.clear();
            if (!r.isError()) {
                return out.toArray();
            }
            for (int k = 0; k < r.length(); k++) {
                out.add(byteIds[in.get() & 0xff]);             // the invalid bytes, one token each
            }
        }
    }

    private void encodeOrdinary(String text, IntBuffer out) {
        Matcher m = PIECES.matcher(text);
        while (m.find()) {
            String piece = m.group();
            int[] pieceIds = piece.length() <= CACHED_CHARS ? cache.get(piece) : null;
            if (pieceIds == null) {
                pieceIds = merge(piece.getBytes(StandardCharsets.UTF_8));
                if (piece.length() <= CACHED_CHARS) {
                    if (cache.size() >= CACHE_ENTRIES) {
                        cache.clear();
                    }
                    cache.put(piece, pieceIds);
                }
            }
            out.addAll(pieceIds);
        }
    }

    /** The byte symbols of one piece merged by rank, lowest first and leftmost among equals. */
    int[] merge(byte[] bytes) {
        int n = bytes.length;
        int[] sym = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = byteIds[bytes[i] & 0xff];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            push(heap, sym, i, i + 1);
        }
        int left = n;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int rank = (int) (top >>> 32);
            int i = (int) top;
            int j = next[i];
            if (sym[i] < 0 || j < 0) {
                continue;
            }
            int found = merges.find(sym[i], sym[j]);
            if (found < 0 || merges.rank(found) != rank) {            // the pair there changed since it was pushed
                continue;
            }
            sym[i] = merges.merged(found);                           // i absorbs j
            sym[j] = -1;
            next[i] = next[j];
            if (next[j] >= 0) {
                prev[next[j]] = i;
            }
            left--;
            if (prev[i] >= 0) {
                push(heap, sym, prev[i], i);
            }
            if (next[i] >= 0) {
                push(heap, sym, i, next[i]);
            }
        }
        int[] out = new int[left];
        for (int i = 0, k = 0; i >= 0 && k < left; i = next[i]) {
            out[k++] = sym[i];
        }
        return out;
    }

    private void push(LongHeap heap, int[] sym, int i, int j) {
        int found = merges.find(sym[i], sym[j]);
        if (found >= 0) {
            heap.push((long) merges.rank(found) << 32 | i);
        }
    }

    /**
     * Bytes of a character split over tokens wait for the rest: each call gives the complete
     * characters so far, and an invalid byte sequence as U+FFFD once it can no longer be completed.
     */
    @Override
    public StreamingDecoder streamingDecoder() {
        java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE);
        return new StreamingDecoder() {
            private java.nio.ByteBuffer pending = java.nio.ByteBuffer.allocate(64);

            @Override
            public String next(int id) {
                byte[] b = decodeBytes(new int[] {id});
                if (pending.remaining() < b.length) {
                    java.nio.ByteBuffer bigger = java.nio.ByteBuffer.allocate(pending.position() + b.length + 64);
                    pending.flip();
                    bigger.put(pending);
                    pending = bigger;
                }
                pending.put(b);
                return drain(false);
            }

            @Override
            public String end() {
                return drain(true);
            }

            /** The complete characters pending (all of them, an incomplete one as U+FFFD, at the end). */
            private String drain(boolean end) {
                pending.flip();
                java.nio.CharBuffer out = java.nio.CharBuffer.allocate(pending.remaining() * 2 + 2);
                utf8.decode(pending, out, end);                // an incomplete sequence stays unless it is the end
                if (end) {
                    utf8.flush(out);
                    utf8.reset();
                }
                pending.compact();
                return out.flip().toString();
            }
        };
    }

    /** The bytes of ids, exactly (invalid UTF-8 included). */
    @Override
    public byte[] decodeBytes(int[] ids) {
        int size = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= tokens.length) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " is out of range [0, " + tokens.length + ")");
            }
            size += tokenBytes[ids[i]].length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (int id : ids) {
            System.arraycopy(tokenBytes[id], 0, out, at, tokenBytes[id].length);
            at += tokenBytes[id].length;
        }
        return out;
    }

    /** The text of ids: their bytes as UTF-8, an invalid sequence shown as U+FFFD. */
    @Override
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    /** The id of a token given in byte symbols, or −1. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id != null ? id : addedIds.getOrDefault(token, -1);
    }

    /** (left, right) → (rank, merged id), open addressing over long keys. */
    private static final class PairTable {
        private final long[] keys;
        private final int[] ranks;
        private final int[] mergedIds;
        private final int mask;

        PairTable(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
            keys = new long[cap];
            Arrays.fill(keys, -1L);
            ranks = new int[cap];
            mergedIds = new int[cap];
            mask = cap - 1;
        }

        private static long key(int l, int r) {
            return (long) l << 32 | (r & 0xffff_ffffL);
        }

        private int slot(long k) {
            long h = k * 0x9E37_79B9_7F4A_7C15L;
            return (int) (h >>> (64 - Integer.numberOfTrailingZeros(mask + 1)));
        }

        /** Sets (l, r), replacing what it had. */
        void put(int l, int r, int rank, int merged) {
            long k = key(l, r);
            int s = slot(k);
            while (keys[s] != -1L && keys[s] != k) {
                s = (s + 1) & mask;
            }
            keys[s] = k;
            ranks[s] = rank;
            mergedIds[s] = merged;
        }

        /** The slot of (l, r), or −1. */
        int find(int l, int r) {
            long k = key(l, r);
            for (int s = slot(k); ; s = (s + 1) & mask) {
                if (keys[s] == k) {
                    return s;
                }
                if (keys[s] == -1L) {
                    return -1;
                }
            }
        }

        int rank(int slot) {
            return ranks[slot];
        }

        int merged(int slot) {
            return mergedIds[slot];
        }
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (a[parent] <= v) {
                    break;
                }
                a[i] = a[parent];
                i = parent;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long last = a[--size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) {
                    break;
                }
                if (c + 1 < size && a[c + 1] < a[c]) {
                    c++;
                }
                if (a[c] >= last) {
                    break;
                }
                a[i] = a[c];
                i = c;
            }
            a[i] = last;
            return top;
        }
    }

    /** A growable int array. */
    private static final class IntBuffer {
        private int[] a = new int[16];
        private int size;

        void add(int v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[size++] = v;
        }

        void addAll(int[] v) {
            if (size + v.length > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, size + v.length));
            }
            System.arraycopy(v, 0, a, size, v.length);
            size += v.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
