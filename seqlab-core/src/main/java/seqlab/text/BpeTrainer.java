package seqlab.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Matcher;

import seqlab.io.Json;

/**
 * Trains a byte-level BPE on a text (Sennrich et al., 2016, on GPT-2's byte symbols): the text is
 * cut into GPT-2's pieces ({@link ByteLevelBpe#PIECES}), every distinct piece counted once with its
 * frequency; starting from the 256 byte symbols (ids in GPT-2's order), the adjacent pair that
 * occurs most often in the counted pieces becomes a new token, every occurrence merged left to
 * right, until the vocabulary has {@code vocabSize} tokens, the last being {@value
 * ByteLevelBpe#END_OF_TEXT}, or no pair occurs {@code minFrequency} times. Ties go to the pair of
 * lower (left id, right id). Pair counts are kept up to date through the pieces that hold each
 * pair, with a max-heap whose stale entries are skipped.
 */
public final class BpeTrainer {

    private BpeTrainer() {}

    /** The tokenizer trained on {@code text}: at most {@code vocabSize} tokens (at least 257), pairs seen at least {@code minFrequency} times. */
    public static ByteLevelBpe train(String text, int vocabSize, int minFrequency) {
        if (vocabSize < 257) {
            throw new IllegalArgumentException("the vocabulary size must be at least 257 (256 byte symbols and " + ByteLevelBpe.END_OF_TEXT
                    + "), got " + vocabSize);
        }
        if (minFrequency < 1) {
            throw new IllegalArgumentException("the minimum pair frequency must be >= 1, got " + minFrequency);
        }
        Map<String, Integer> pieceCounts = new HashMap<>();
        for (String chunk : text.split(java.util.regex.Pattern.quote(ByteLevelBpe.END_OF_TEXT), -1)) {
            Matcher m = ByteLevelBpe.PIECES.matcher(chunk);
            while (m.find()) {
                pieceCounts.merge(m.group(), 1, Integer::sum);
            }
        }
        List<String> tokens = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        int[] byteId = new int[256];
        List<Integer> bytesBySymbol = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            bytesBySymbol.add(b);
        }
        bytesBySymbol.sort((x, y) -> Character.compare(ByteSymbols.symbol(x), ByteSymbols.symbol(y)));   // GPT-2's order of ids 0-255
        for (int b : bytesBySymbol) {
            byteId[b] = tokens.size();
            index.put(String.valueOf(ByteSymbols.symbol(b)), tokens.size());
            tokens.add(String.valueOf(ByteSymbols.symbol(b)));
        }
        List<int[]> words = new ArrayList<>();
        List<Integer> freq = new ArrayList<>();
        pieceCounts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] w = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                w[i] = byteId[bytes[i] & 0xff];
            }
            words.add(w);
            freq.add(e.getValue());
        });
        Map<Long, Long> counts = new HashMap<>();
        Map<Long, java.util.Set<Integer>> where = new HashMap<>();
        for (int wi = 0; wi < words.size(); wi++) {
            int[] w = words.get(wi);
            for (int i = 0; i + 1 < w.length; i++) {
                long p = pair(w[i], w[i + 1]);
                counts.merge(p, (long) freq.get(wi), Long::sum);
                where.computeIfAbsent(p, k -> new java.util.HashSet<>()).add(wi);
            }
        }
        PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        counts.forEach((p, c) -> heap.add(new long[] {c, p}));
        List<String[]> merges = new ArrayList<>();
        while (tokens.size() < vocabSize - 1 && !heap.isEmpty()) {
            long[] top = heap.poll();
            long p = top[1];
            long c = counts.getOrDefault(p, 0L);
            if (c != top[0]) {
                continue;                                          // stale: the count changed since
            }
            if (c < minFrequency) {
                break;
            }
            int l = (int) (p >>> 32);
            int r = (int) p;
            String joined = tokens.get(l) + tokens.get(r);
            Integer known = index.get(joined);                     // two merges may spell the same token: one id
            int merged = known != null ? known : tokens.size();
            if (known == null) {
                index.put(joined, merged);
                tokens.add(joined);
            }
            merges.add(new String[] {tokens.get(l), tokens.get(r), "merge " + merges.size()});
            Map<Long, Long> changed = new HashMap<>();
            for (int wi : where.remove(p).stream().sorted().toList()) {
                int[] w = words.get(wi);
                long f = freq.get(wi);
                for (int i = 0; i + 1 < w.length; i++) {                 // the word's old pairs out
                    changed.merge(pair(w[i], w[i + 1]), -f, Long::sum);
                }
                int[] out = new int[w.length];
                int n = 0;
                for (int i = 0; i < w.length; ) {
                    if (i + 1 < w.length && w[i] == l && w[i + 1] == r) {
                        out[n++] = merged;
                        i += 2;
                    } else {
                        out[n++] = w[i++];
                    }
                }
                int[] nw = java.util.Arrays.copyOf(out, n);
                words.set(wi, nw);
                for (int i = 0; i + 1 < nw.length; i++) {               // and its new pairs in
                    long q = pair(nw[i], nw[i + 1]);
                    changed.merge(q, f, Long::sum);
                    where.computeIfAbsent(q, k -> new java.util.HashSet<>()).add(wi);
                }
            }
            changed.forEach((q, d) -> {
                if (d != 0) {
                    long now = counts.merge(q, d, Long::sum);
                    if (now > 0) {
                        heap.add(new long[] {now, q});
                    }
                }
            });
            counts.remove(p);
        }
        tokens.add(ByteLevelBpe.END_OF_TEXT);
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i), new Json.Num(String.valueOf(i)));
        }
        return ByteLevelBpe.of(vocab, "the trained vocabulary", merges, "the trained merges");
    }

    private static long pair(int l, int r) {
        return (long) l << 32 | (r & 0xffff_ffffL);
    }
}
