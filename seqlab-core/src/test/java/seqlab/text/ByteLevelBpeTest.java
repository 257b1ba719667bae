package seqlab.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.io.FormatException;
import seqlab.io.Json;
import seqlab.io.JsonFields;
import seqlab.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GPT-2's byte-level BPE against the ids of the published algorithm (scripts/make_fixtures.py bpe,
 * with GPT-2's own files from ../shared/data/gpt2-bpe), the heap merge against the published merge
 * loop on random pieces, round trips, and every kind of bad file.
 */
class ByteLevelBpeTest {

    static final Path GPT2 = Path.of("..", "..", "shared", "data", "gpt2-bpe");

    static ByteLevelBpe gpt2;
    static Map<String, Integer> ranks;       // "left right" → rank

    @BeforeAll
    static void load() throws IOException {
        if (!Files.isDirectory(GPT2)) {
            return;
        }
        gpt2 = ByteLevelBpe.read(GPT2.resolve("encoder.json"), GPT2.resolve("vocab.bpe"));
        ranks = new HashMap<>();
        List<String> lines = Files.readAllLines(GPT2.resolve("vocab.bpe"), StandardCharsets.UTF_8);
        int rank = 0;
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isEmpty()) {
                ranks.put(line, rank++);                       // a repeated pair takes its last rank, as encoder.py's dict does
            }
        }
    }

    /** GPT-2's tokenizer; the test is skipped when ../shared/data/gpt2-bpe is absent. */
    private static ByteLevelBpe gpt2() {
        Assumptions.assumeTrue(gpt2 != null, "../shared/data/gpt2-bpe is absent: skipped");
        return gpt2;
    }

    @Test
    void givesGpt2sIdsOnTheFixtureTexts() {
        JsonFields doc = new JsonFields(parse(Fixtures.path("bpe_gpt2.json")), "bpe_gpt2.json");
        int n = 0;
        for (Object o : doc.list("cases")) {
            JsonFields c = new JsonFields(o, "case");
            String text = c.string("text");
            int[] want = c.list("ids").stream().mapToInt(v -> (int) ((Json.Num) v).longValueExact()).toArray();
            assertThat(gpt2().encode(text)).as("ids of %s", printable(text)).containsExactly(want);
            assertThat(gpt2().decode(want)).as("text of the ids of %s", printable(text)).isEqualTo(text);
            n++;
        }
        assertThat(n).isEqualTo(37);
    }

    @Test
    void knownIds() {
        assertThat(gpt2().vocabSize()).isEqualTo(50257);
        assertThat(gpt2().endOfText()).isEqualTo(50256);
        assertThat(gpt2().encode("Hello world")).containsExactly(15496, 995);
        assertThat(gpt2().encode("\u3000\u3000a")).containsExactly(5099, 222, 5099, 222, 64);   // Java's \s needs the Unicode flag here
        assertThat(gpt2().token(220)).isEqualTo("\u0120");                                        // Ġ, the space
    }

    /** The heap merge gives the published loop's tokens on random pieces of the bytes GPT-2 sees most. */
    @Test
    void theHeapMergeEqualsThePublishedLoop() {
        Random rng = new Random(11);
        String alphabet = " etaoinshrdlucmfwypvbgkqjxz ETAOIN.,'\n0123456789";
        for (int trial = 0; trial < 3000; trial++) {
            StringBuilder piece = new StringBuilder();
            int len = trial < 50 ? trial : 1 + rng.nextInt(trial % 7 == 0 ? 200 : 16);
            for (int i = 0; i < len; i++) {
                piece.append(trial % 5 == 0 ? 'a' : alphabet.charAt(rng.nextInt(alphabet.length())));
            }
            byte[] bytes = piece.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(gpt2().merge(bytes)).as("piece '%s'", printable(piece.toString())).containsExactly(publishedMerge(bytes));
        }
        byte[] randomBytes = new byte[64];
        for (int trial = 0; trial < 500; trial++) {
            rng.nextBytes(randomBytes);
            byte[] piece = java.util.Arrays.copyOf(randomBytes, 1 + rng.nextInt(randomBytes.length));
            assertThat(gpt2().merge(piece)).containsExactly(publishedMerge(piece));
        }
    }

    /** OpenAI's loop, written out: merge every occurrence of the lowest-ranked adjacent pair, left to right; repeat. */
    private static int[] publishedMerge(byte[] bytes) {
        List<String> word = new ArrayList<>();
        for (byte b : bytes) {
            word.add(String.valueOf(ByteSymbols.symbol(b & 0xff)));
        }
        while (word.size() > 1) {
            String best = null;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = ranks.get(word.get(i) + " " + word.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = word.get(i) + " " + word.get(i + 1);
                }
            }
            if (best == null) {
                break;
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < word.size(); ) {
                if (i + 1 < word.size() && (word.get(i) + " " + word.get(i + 1)).equals(best)) {
                    out.add(word.get(i) + word.get(i + 1));
                    i += 2;
                } else {
                    out.add(word.get(i));
                    i++;
                }
            }
            word = out;
        }
        return word.stream().mapToInt(gpt2()::id).toArray();
    }

    @Test
    void decodingThenEncodingRandomTextGivesItBack() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            StringBuilder s = new StringBuilder();
            int len = rng.nextInt(60);
            for (int i = 0; i < len; i++) {
                int c = switch (rng.nextInt(5)) {
                    case 0 -> ' ';
                    case 1 -> 0x20 + rng.nextInt(0x5f);
                    case 2 -> rng.nextInt(0x3000);
                    case 3 -> 0x1F300 + rng.nextInt(0x300);
                    default -> "\n\t\u3000\u00a0'".charAt(rng.nextInt(5));
                };
                if (c >= 0xD800 && c <= 0xDFFF) {
                    c = 'x';                                   // a lone surrogate is no text
                }
                s.appendCodePoint(c);
            }
            String text = s.toString();
            assertThat(gpt2().decode(gpt2().encode(text))).as("round trip of %s", printable(text)).isEqualTo(text);
        }
    }

    @Test
    void anyIdsDecodeToTheirTokensBytesExactly() {
        Random rng = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int[] ids = rng.ints(rng.nextInt(20), 0, gpt2().vocabSize()).toArray();
            java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
            for (int id : ids) {
                want.writeBytes(ByteSymbols.toBytes(gpt2().token(id)));
            }
            assertThat(gpt2().decodeBytes(ids)).containsExactly(want.toByteArray());
        }
        int[] invalid = {gpt2().id("\u00ff"), gpt2().id("\u00fe")};        // bytes 0xFF 0xFE: no UTF-8
        assertThat(gpt2().decodeBytes(invalid)).containsExactly((byte) 0xff, (byte) 0xfe);
        assertThat(gpt2().decode(invalid)).isEqualTo("\ufffd\ufffd");
        assertThatThrownBy(() -> gpt2().decodeBytes(new int[] {5, 50257})).hasMessage("token id 50257 at position 1 is out of range [0, 50257)");
    }

    /** decode ∘ encode is the identity on any bytes; on valid UTF-8 the bytes' ids are the text's. */
    @Test
    void anyBytesEncodeSoThatTheyDecodeBackExactly() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 500; trial++) {
            byte[] bytes = new byte[trial < 3 ? trial : rng.nextInt(60)];
            for (int i = 0; i < bytes.length; i++) {
                int kind = rng.nextInt(4);                      // ASCII, any byte, a continuation byte, a lead byte
                bytes[i] = (byte) (kind == 0 ? rng.nextInt(128) : kind == 1 ? rng.nextInt(256) : kind == 2 ? 0x80 + rng.nextInt(64)
                        : 0xc0 + rng.nextInt(64));
            }
            int[] ids = gpt2().encode(bytes);
            assertThat(gpt2().decodeBytes(ids)).as("bytes %s", java.util.HexFormat.of().formatHex(bytes)).containsExactly(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
                assertThat(ids).as("valid UTF-8 %s", printable(text)).containsExactly(gpt2().encode(text));
            }
        }
        byte[] mixed = {'h', 'i', ' ', (byte) 0xed, (byte) 0xa0, (byte) 0x80, 'x', (byte) 0xe4, (byte) 0xb8};   // a UTF-8 surrogate, a cut-off character
        int[] ids = gpt2().encode(mixed);
        assertThat(ids).containsExactly(gpt2().id("hi"), gpt2().id("\u0120"), gpt2().id("\u00ed"), gpt2().id("\u0142"), gpt2().id("\u0122"),
                gpt2().id("x"), gpt2().id("\u00e4"), gpt2().id("\u00b8"));
        assertThat(gpt2().decodeBytes(ids)).containsExactly(mixed);
        byte[] special = "a<|endoftext|>b".getBytes(StandardCharsets.UTF_8);
        assertThat(gpt2().encode(special)).containsExactly(gpt2().encode("a<|endoftext|>b"));
    }

    @Test
    void aLongRunOfOneLetterIsOnePieceMergedInFull() {
        String run = "a".repeat(100_000);
        int[] ids = gpt2().encode(run);
        assertThat(gpt2().decode(ids)).isEqualTo(run);
        assertThat(ids.length).isLessThan(30_000);
    }

    @Test
    void theByteSymbolsAreGpt2s() {
        assertThat(ByteSymbols.symbol(' ')).isEqualTo('\u0120');
        assertThat(ByteSymbols.symbol('\n')).isEqualTo('\u010a');
        assertThat(ByteSymbols.symbol('A')).isEqualTo('A');
        assertThat(ByteSymbols.symbol(0xAD)).isEqualTo('\u0143');                        // the soft hyphen is not printable
        java.util.Set<Character> distinct = new java.util.HashSet<>();
        for (int b = 0; b < 256; b++) {
            distinct.add(ByteSymbols.symbol(b));
            assertThat(ByteSymbols.toBytes(String.valueOf(ByteSymbols.symbol(b)))).containsExactly((byte) b);
        }
        assertThat(distinct).hasSize(256);
    }

    private static final String BYTES = allByteSymbols();

    private static String allByteSymbols() {
        StringBuilder s = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            s.append(ByteSymbols.symbol(b));
        }
        return s.toString();
    }

    /** A vocabulary object of the 256 byte symbols and the given extra tokens, ids in order. */
    private static Object vocab(String... extra) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 256; i++) {
            m.put(String.valueOf(BYTES.charAt(i)), new Json.Num(String.valueOf(i)));
        }
        for (String t : extra) {
            m.put(t, new Json.Num(String.valueOf(m.size())));
        }
        return m;
    }

    /** Hugging Face's ids for its added special token (lstrip, rstrip, single_word false): cut out before the pieces. */
    @Test
    void theSpecialTokenIsCutOutBeforeThePieces() {
        assertThat(gpt2().encode(" <|endoftext|>")).containsExactly(220, 50256);
        assertThat(gpt2().encode("x<|endoftext|>y")).containsExactly(87, 50256, 88);
        assertThat(gpt2().encode("<|endoftext|><|endoftext|>")).containsExactly(50256, 50256);
    }

    @Test
    void aRepeatedPairTakesItsLastRankAndMergesFollowHuggingFace() {
        List<String[]> repeated = ByteLevelBpe.mergeLines(List.of("a b", "b c", "a b"), "m");
        ByteLevelBpe t = ByteLevelBpe.of(vocab("ab", "bc"), "v", repeated, "m");
        assertThat(t.encode("abc")).containsExactly(t.id("a"), t.id("bc"));      // "a b" ranks 2, after "b c"
        // a pair holding a merged token ranked before the merge that makes it: Hugging Face's heap gives [aaa, a]
        // (encoder.py's loop would give [aa, aa])
        ByteLevelBpe h = ByteLevelBpe.of(vocab("aa", "aaa"), "v", ByteLevelBpe.mergeLines(List.of("aa a", "a a"), "m"), "m");
        assertThat(h.encode("aaaa")).containsExactly(h.id("aaa"), h.id("a"));
    }

    @Test
    void aSmallVocabularyMergesByRank() {
        ByteLevelBpe t = ByteLevelBpe.of(vocab("ab", "bc", "abc"), "v",
                ByteLevelBpe.mergeLines(List.of("#version: 0.2", "b c", "a b", "a bc", ""), "m"), "m");
        assertThat(t.encode("abc")).containsExactly(t.id("abc"));           // b c first (rank 0), then a bc
        assertThat(t.encode("abab")).containsExactly(t.id("ab"), t.id("ab"));
        assertThat(t.endOfText()).isEqualTo(-1);
        assertThat(t.encode("x<|endoftext|>")).hasSize(14);                    // no such token: plain text
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "a b c|m: line 2 must be two tokens separated by one space, got 'a b c'",
            "ab|m: line 2 must be two tokens separated by one space, got 'ab'",
            "\" ab\"|m: line 2 must be two tokens separated by one space, got ' ab'",
            "x y|m: line 2 merges 'x' and 'y', but the vocabulary has no token 'xy'",
            "a q\u0100|m: line 2 merges 'a' and 'q\u0100', but the vocabulary has no token 'q\u0100'"})
    void aMalformedMergesLineIsNamedByItsNumber(String line, String message) {
        assertThatThrownBy(() -> ByteLevelBpe.of(vocab("ab"), "v", ByteLevelBpe.mergeLines(List.of("#version: 0.2", line), "m"), "m"))
                .isInstanceOf(FormatException.class).hasMessage(message);
    }

    @Test
    void withoutItsAddedTokenEndOfTextIsPlainText() {
        ByteLevelBpe small = ByteLevelBpe.of(vocab("ab", ByteLevelBpe.END_OF_TEXT), "v", ByteLevelBpe.mergeLines(List.of("a b"), "m"), "m");
        assertThat(small.encode("<|endoftext|>")).containsExactly(257);
        Map<String, Object> j = small.toJson();
        assertThat((List<?>) j.get("added_tokens")).hasSize(1);
        Tokenizer listed = Tokenizers.fromJson(new JsonFields(Json.parse(Json.write(j)), "t.json"));
        assertThat(listed.encode("<|endoftext|>")).containsExactly(257);
        j.put("added_tokens", List.of());
        Tokenizer unlisted = Tokenizers.fromJson(new JsonFields(Json.parse(Json.write(j)), "t.json"));
        assertThat(unlisted.encode("<|endoftext|>")).hasSize(13);                       // as Hugging Face without the added token
        j.put("added_tokens", List.of(Map.of("id", new Json.Num("257"), "content", ByteLevelBpe.END_OF_TEXT, "lstrip", true)));
        assertThatThrownBy(() -> Tokenizers.fromJson(new JsonFields(Json.parse(Json.write(j)), "t.json")))
                .hasMessage("t.json: an added token with lstrip, rstrip or single_word true is not supported (GPT-2's tokenizer.json has none)");
    }

    @Test
    void badFilesAreNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path json = dir.resolve("tokenizer.json");
        Files.writeString(json, "{\"type\": ");
        assertThatThrownBy(() -> Tokenizers.read(json)).isInstanceOf(FormatException.class).hasMessageStartingWith(json + ": ");
        Files.write(json, new byte[] {'{', (byte) 0xff, '}'});
        assertThatThrownBy(() -> Tokenizers.read(json)).hasMessageStartingWith(json + " is not valid UTF-8");
        Files.writeString(json, "\uFEFF" + Json.write(ByteLevelBpe.of(vocab("ab"), "v", ByteLevelBpe.mergeLines(List.of("a b"), "m"), "m").toJson()));
        assertThat(Tokenizers.read(dir).encode("ab")).containsExactly(256);              // a byte-order mark is skipped
        Map<String, Object> huge = new java.util.LinkedHashMap<>();
        huge.put("a", new Json.Num("123456789012345678901"));
        assertThatThrownBy(() -> ByteLevelBpe.of(huge, "v.json", List.of(), "m"))
                .hasMessage("v.json: the id of token 'a' must be an integer in [0, 1), got 123456789012345678901");
    }

    @Test
    void aBadVocabularySaysWhat() {
        assertThatThrownBy(() -> ByteLevelBpe.of(List.of(), "v.json", List.of(), "m"))
                .isInstanceOf(FormatException.class).hasMessage("v.json: expected a JSON object of token → id");
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("a", new Json.Num("0"));
        m.put("b", new Json.Num("7"));
        assertThatThrownBy(() -> ByteLevelBpe.of(m, "v.json", List.of(), "m"))
                .hasMessage("v.json: the id of token 'b' must be an integer in [0, 2), got 7");
        m.put("b", new Json.Num("0"));
        assertThatThrownBy(() -> ByteLevelBpe.of(m, "v.json", List.of(), "m")).hasMessage("v.json: id 0 is given to both 'a' and 'b'");
        m.put("b", new Json.Num("1"));
        assertThatThrownBy(() -> ByteLevelBpe.of(m, "v.json", List.of(), "m"))
                .hasMessage("v.json: the vocabulary has no token for the byte 0x0 ('\u0100'): not a byte-level BPE vocabulary");
        assertThatThrownBy(() -> ByteLevelBpe.read(Path.of("/no/such/encoder.json"), Path.of("/no/such/vocab.bpe")))
                .hasMessage("/no/such/encoder.json: no such file");
    }

    /**
     * A tokenizer.json in the hub's layout (GPT-2's fields, a small vocabulary), written by
     * make_fixtures.py independently of seqlab's writer, with merges as strings and as pairs
     * without the model's type: read from its directory, it gives the published algorithm's ids.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bpe_hub", "bpe_hub_pairs"})
    void aTokenizerJsonInTheHubsLayoutGivesThePublishedAlgorithmsIds(String dir) {
        Tokenizer t = Tokenizers.read(Fixtures.path(dir));
        assertThat(t).isInstanceOf(ByteLevelBpe.class);
        assertThat(t.vocabSize()).isEqualTo(277);
        assertThat(((ByteLevelBpe) t).endOfText()).isEqualTo(276);
        JsonFields doc = new JsonFields(parse(Fixtures.path("bpe_hub_cases.json")), "bpe_hub_cases.json");
        for (Object o : doc.list("cases")) {
            JsonFields c = new JsonFields(o, "case");
            String text = c.string("text");
            int[] want = c.list("ids").stream().mapToInt(v -> (int) ((Json.Num) v).longValueExact()).toArray();
            assertThat(t.encode(text)).as("ids of %s", printable(text)).containsExactly(want);
            assertThat(t.decode(want)).isEqualTo(text);
        }
    }

    @Test
    void huggingFacesTokenizerJsonRoundTrips() {
        String json = Json.write(gpt2().toJson());
        Tokenizer back = Tokenizers.fromJson(new JsonFields(Json.parse(json), "tokenizer.json"));
        assertThat(back).isInstanceOf(ByteLevelBpe.class);
        assertThat(back.type()).isEqualTo("bpe");
        assertThat(back.vocabSize()).isEqualTo(50257);
        assertThat(back.summary()).isEqualTo("bpe, 50,257 tokens");
        JsonFields doc = new JsonFields(parse(Fixtures.path("bpe_gpt2.json")), "bpe_gpt2.json");
        for (Object o : doc.list("cases")) {
            String text = new JsonFields(o, "case").string("text");
            assertThat(back.encode(text)).as(printable(text)).containsExactly(gpt2().encode(text));
        }
        JsonFields written = new JsonFields(Json.parse(json), "tokenizer.json");
        assertThat(written.object("model").string("type")).isEqualTo("BPE");
        assertThat(written.object("pre_tokenizer").string("type")).isEqualTo("ByteLevel");
        assertThat(written.object("model").list("merges").get(0)).isEqualTo("\u0120 t");
        assertThat(written.list("added_tokens")).hasSize(1);
    }

    /** A Hugging Face tokenizer.json of the 256 byte symbols plus "ab" (one merge), after the given change, read back. */
    @SuppressWarnings("unchecked")
    private static Tokenizer hf(java.util.function.Consumer<Map<String, Object>> change) {
        Map<String, Object> j = ByteLevelBpe.of(vocab("ab"), "v", ByteLevelBpe.mergeLines(List.of("a b"), "m"), "m").toJson();
        change.accept(j);
        return Tokenizers.fromJson(new JsonFields(Json.parse(Json.write(j)), "t.json"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> model(Map<String, Object> j) {
        return (Map<String, Object>) j.get("model");
    }

    private static Map<String, Object> added(String content, int id) {
        return Map.of("id", new Json.Num(String.valueOf(id)), "content", content, "special", true);
    }

    /**
     * Added tokens past the vocabulary (a pad token, chat markers) take the ids after it and are cut
     * out of the text before the pieces, leftmost and the longest first, as Hugging Face matches them.
     */
    @Test
    void addedTokensAreMatchedBeforeThePiecesAndRoundTrip() {
        Tokenizer t = hf(j -> j.put("added_tokens", List.of(added("<pad>", 257), added("<|im_start|>", 258),
                Map.of("id", new Json.Num("259"), "content", "<|im_start|>user", "special", false, "normalized", false))));
        assertThat(t.vocabSize()).isEqualTo(260);
        assertThat(t.encode("ab<pad>")).containsExactly(256, 257);
        assertThat(t.encode("<|im_start|>user hi")).containsExactly(259, idOf(t, "\u0120"), idOf(t, "h"), idOf(t, "i"));   // the longest first
        assertThat(t.encode("<|im_start|>a<pad><pad>")).containsExactly(258, idOf(t, "a"), 257, 257);
        assertThat(t.decode(new int[] {258, 256, 257})).isEqualTo("<|im_start|>ab<pad>");
        assertThat(t.encode(" <pad>b")).containsExactly(idOf(t, "\u0120"), 257, idOf(t, "b"));        // the space before is its own piece
        Map<String, Object> written = t.toJson();
        Tokenizer back = Tokenizers.fromJson(new JsonFields(Json.parse(Json.write(written)), "t.json"));
        assertThat(back.encode("x<|im_start|>user<pad>")).containsExactly(t.encode("x<|im_start|>user<pad>"));
        assertThat(((ByteLevelBpe) back).addedTokens()).isEqualTo(((ByteLevelBpe) t).addedTokens())
                .contains(new ByteLevelBpe.AddedToken("<|im_start|>user", 259, false, false));
        assertThat(((ByteLevelBpe) back).vocabJson()).hasSize(257).doesNotContainKey("<pad>");
        assertThat(((ByteLevelBpe) t).id("<pad>")).isEqualTo(257);
        // Hugging Face matches the tokens with normalized false first, then the others in what is left
        Tokenizer first = hf(j -> j.put("added_tokens", List.of(Map.of("id", new Json.Num("257"), "content", "<|im_start|>",
                "normalized", false), added("<|im_start|>user", 258))));
        assertThat(first.encode("<|im_start|>user")).containsExactly(257, idOf(first, "u"), idOf(first, "s"), idOf(first, "e"), idOf(first, "r"));
        assertThat(first.encode("x<|im_start|>user")).startsWith(idOf(first, "x"), 257);
        assertThat(first.encode("<|im_start|>use")).startsWith(257);
    }

    private static int idOf(Tokenizer t, String token) {
        int id = ((ByteLevelBpe) t).id(token);
        assertThat(id).as("token %s", token).isNotNegative();
        return id;
    }

    @Test
    void huggingFacesLayoutsAreRead() {
        assertThat(hf(j -> { }).encode("abab")).containsExactly(256, 256);
        assertThat(hf(j -> model(j).put("merges", List.of(List.of("a", "b")))).encode("ab")).containsExactly(256);   // the pair form
        assertThat(hf(j -> model(j).put("merges", List.of("a b"))).encode("ab")).containsExactly(256);   // the older string form
        assertThat(hf(j -> model(j).remove("type")).encode("ab")).containsExactly(256);                  // merges: BPE inferred
    }

    @Test
    void aTokenizerJsonThatIsNotAByteLevelBpeSaysWhatItIs() {
        assertThatThrownBy(() -> hf(j -> model(j).put("type", "WordPiece"))).isInstanceOf(FormatException.class)
                .hasMessage("t.json: model type is WordPiece; seqlab reads byte-level BPE tokenizer.json files (model type BPE, "
                        + "pre-tokenizer ByteLevel)");
        assertThatThrownBy(() -> hf(j -> j.put("pre_tokenizer", Map.of("type", "Metaspace"))))
                .hasMessage("t.json: pre_tokenizer is Metaspace; seqlab reads byte-level BPE tokenizer.json files (pre_tokenizer ByteLevel)");
        assertThatThrownBy(() -> hf(j -> j.put("pre_tokenizer", Json.NULL)))
                .hasMessage("t.json: pre_tokenizer is missing or null; a byte-level BPE has pre_tokenizer ByteLevel");
        assertThatThrownBy(() -> hf(j -> j.put("pre_tokenizer", Map.of("type", "ByteLevel", "add_prefix_space", true))))
                .hasMessageContaining("add_prefix_space true or use_regex false is not supported");
        assertThatThrownBy(() -> hf(j -> model(j).put("merges", List.of(List.of("a")))))
                .hasMessage("t.json → model: merges entry 0 must be \"left right\" or [left, right], got [a]");
        assertThatThrownBy(() -> hf(j -> model(j).put("merges", List.of("a b", ""))))
                .hasMessage("t.json → model: merges entry 1 must be two tokens separated by one space, got ''");
        assertThatThrownBy(() -> hf(j -> model(j).put("merges", List.of("a c"))))
                .hasMessage("t.json → model: merges entry 0 merges 'a' and 'c', but the vocabulary has no token 'ac'");
        assertThatThrownBy(() -> hf(j -> j.put("added_tokens", List.of(Map.of("id", new Json.Num("256"), "content", "<pad>")))))
                .hasMessage("t.json: added token '<pad>' has id 256, which is the vocabulary's 'ab'; give it an id from 257 on");
        assertThatThrownBy(() -> hf(j -> j.put("added_tokens", List.of(added("ab", 257)))))
                .hasMessage("t.json: added token 'ab' has id 257, but the vocabulary has it at 256; give it that id");
        assertThatThrownBy(() -> hf(j -> j.put("added_tokens", List.of(added("<pad>", 258)))))
                .hasMessage("t.json: added token '<pad>' has id 258; the ids after the vocabulary's 257 must follow on without gaps: "
                        + "give it 257");
        assertThatThrownBy(() -> hf(j -> j.put("added_tokens", List.of(added("<pad>", 257), added("<pad>", 258)))))
                .hasMessage("t.json: added token '<pad>' is listed twice; list each token once");
        assertThatThrownBy(() -> hf(j -> j.put("added_tokens", List.of(added("<a>", 257), added("<b>", 257)))))
                .hasMessage("t.json: added token id 257 is given to both '<a>' and '<b>'; give each added token its own id");
        assertThatThrownBy(() -> hf(j -> j.put("added_tokens", List.of(added("", 257)))))
                .hasMessage("t.json → added_tokens entry 0: content is empty; an added token is a non-empty string");
        assertThatThrownBy(() -> hf(j -> j.put("added_tokens", List.of("<pad>"))))
                .hasMessage("t.json: added_tokens entry 0 must be an object, got <pad>");
        assertThatThrownBy(() -> hf(j -> j.put("normalizer", Map.of("type", "NFC"))))
                .hasMessage("t.json: a normalizer is not supported (GPT-2's tokenizer.json has none)");
        assertThatThrownBy(() -> hf(j -> j.put("decoder", Map.of("type", "Metaspace"))))
                .hasMessage("t.json: a decoder other than ByteLevel is not supported (GPT-2's tokenizer.json has none)");
        assertThatThrownBy(() -> hf(j -> model(j).put("byte_fallback", true))).hasMessageContaining("model.byte_fallback true is not supported");
        assertThatThrownBy(() -> hf(j -> model(j).put("ignore_merges", true))).hasMessageContaining("model.ignore_merges true is not supported");
        assertThatThrownBy(() -> hf(j -> model(j).put("dropout", new Json.Num("0.1")))).hasMessageContaining("model.dropout is not supported");
        assertThatThrownBy(() -> hf(j -> model(j).put("continuing_subword_prefix", "##")))
                .hasMessageContaining("a continuing_subword_prefix or end_of_word_suffix is not supported");
    }

    private static Object parse(Path p) {
        try {
            return Json.parse(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return "'" + cut.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "'";
    }
}
