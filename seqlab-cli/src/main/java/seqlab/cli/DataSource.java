package seqlab.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import seqlab.data.BuiltinCorpus;
import seqlab.text.Text;

/** A {@code --data} argument: a text file, or {@code builtin:NAME} for a generated corpus. */
record DataSource(String spec, String text) {

    static final int BUILTIN_CHARS = 400_000;

    static DataSource read(String spec) {
        if (spec.startsWith("builtin:")) {
            String name = spec.substring("builtin:".length());
            if (!BuiltinCorpus.NAMES.contains(name)) {
                throw new UserException("--data " + spec + ": unknown built-in corpus; expected one of "
                        + BuiltinCorpus.NAMES.stream().map(n -> "builtin:" + n).toList());
            }
            return new DataSource(spec, BuiltinCorpus.generate(name, BUILTIN_CHARS, 1234));
        }
        return new DataSource(spec, Text.readUtf8(Path.of(spec)));
    }

    /** What a checkpoint records about the data: where from, and a hash to detect a changed file. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", absolute(spec));
        m.put("sha256", sha256(text));
        m.put("chars", (long) text.length());
        return m;
    }

    /** A file's spec as an absolute path (builtin: specs as they are), so that a run can be resumed from anywhere. */
    static String absolute(String spec) {
        return spec.startsWith("builtin:") ? spec : Path.of(spec).toAbsolutePath().normalize().toString();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
