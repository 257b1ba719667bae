package seqlab.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format, read and written in full: an 8-byte little-endian header length N, N
 * bytes of UTF-8 JSON ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, …,
 * "__metadata__": {string: string}}}), then the byte buffer, little-endian, row-major.
 *
 * <p>The reader enforces every rule of the reference implementation (header ≤ 100 MB and within
 * the file; valid UTF-8 JSON; no duplicate keys; known dtypes; integer offsets; offsets contiguous
 * from 0 with no gap or overlap; byte length = ∏shape × dtype size, computed with overflow checks;
 * the buffer exactly covers the rest of the file) and reads tensor data with positional reads,
 * never a memory map, so a file changed while open gives an error rather than a crash. The writer
 * orders tensors by descending dtype size then name, pads the header with spaces to a multiple of
 * 8, and writes through {@link AtomicFiles}.
 */
public final class Safetensors {

    /** The reference implementation's limit on the header size. */
    public static final long MAX_HEADER = 100_000_000L;
    /** The schema's limit on offsets and dimensions (48-bit). */
    private static final long MAX_INT48 = 281_474_976_710_655L;

    /** One tensor's header entry. Offsets are relative to the start of the byte buffer. */
    public record Info(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public int[] intShape() {
            int[] s = new int[shape.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = (int) shape[i];
            }
            return s;
        }
    }

    /** A tensor to write: its dtype, shape and little-endian bytes. */
    public record Entry(DType dtype, long[] shape, ByteBuffer bytes) {
        public static Entry f32(float[] data, int... shape) {
            ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(data);
            return new Entry(DType.F32, toLong(shape), b);
        }

        public static Entry i64(long[] data, int... shape) {
            ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(data);
            return new Entry(DType.I64, toLong(shape), b);
        }

        private static long[] toLong(int[] shape) {
            long[] s = new long[shape.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = shape[i];
            }
            return s;
        }
    }

    /** An opened file: its validated header. Tensor data is read on request. */
    public static final class File {
        private final Path path;
        private final Map<String, String> metadata;
        private final Map<String, Info> tensors;
        private final long dataStart;

        File(Path path, Map<String, String> metadata, Map<String, Info> tensors, long dataStart) {
            this.path = path;
            this.metadata = metadata;
            this.tensors = tensors;
            this.dataStart = dataStart;
        }

        public Path path() {
            return path;
        }

        public Map<String, String> metadata() {
            return metadata;
        }

        /** The tensors in the order of their data. */
        public Map<String, Info> tensors() {
            return tensors;
        }

        public Info info(String name) {
            Info i = tensors.get(name);
            if (i == null) {
                throw new FormatException(path + ": no tensor named \"" + name + "\" (the file has "
                        + tensors.size() + " tensors" + (tensors.isEmpty() ? "" : ", e.g. \"" + tensors.keySet().iterator().next() + "\"") + ")");
            }
            return i;
        }

        /** The raw little-endian bytes of a tensor. */
        public ByteBuffer bytes(String name) {
            Info info = info(name);
            long n = info.end() - info.begin();
            if (n > Integer.MAX_VALUE - 8) {
                throw new FormatException(path + ": tensor \"" + name + "\" has " + n
                        + " bytes, too large for this build (at most 2^31 − 9 bytes per tensor)");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) n).order(ByteOrder.LITTLE_ENDIAN);
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long pos = dataStart + info.begin();
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, pos + buf.position());
                    if (r < 0) {
                        throw new FormatException(path + ": file ended inside tensor \"" + name
                                + "\" (it changed or was truncated after it was opened); write it again");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path + ": " + IoErrors.describe(e), e);
            }
            return buf.flip();
        }

        /** A floating-point tensor (F32, F64, F16, BF16) as float32. */
        public float[] floats(String name) {
            Info info = info(name);
            ByteBuffer b = bytes(name);
            int n = Math.toIntExact(info.numel());
            float[] out = new float[n];
            switch (info.dtype()) {
                case F32 -> b.asFloatBuffer().get(out);
                case F64 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) b.getDouble(i * 8);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.float16ToFloat(b.getShort(i * 2));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
                    }
                }
                default -> throw new FormatException(path + ": tensor \"" + name + "\" has dtype " + info.dtype()
                        + ", expected a floating-point dtype (F32, F16, BF16, F64); convert it to F32");
            }
            return out;
        }

        /** An integer or BOOL tensor as long. */
        public long[] longs(String name) {
            Info info = info(name);
            ByteBuffer b = bytes(name);
            int n = Math.toIntExact(info.numel());
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = switch (info.dtype()) {
                    case I64 -> b.getLong(i * 8);
                    case U64 -> {
                        long v = b.getLong(i * 8);
                        if (v < 0) {
                            throw new FormatException(path + ": tensor \"" + name + "\" holds the U64 value "
                                    + Long.toUnsignedString(v) + ", beyond the range seqlab reads (< 2^63)");
                        }
                        yield v;
                    }
                    case I32 -> b.getInt(i * 4);
                    case U32 -> b.getInt(i * 4) & 0xFFFFFFFFL;
                    case I16 -> b.getShort(i * 2);
                    case U16 -> b.getShort(i * 2) & 0xFFFF;
                    case I8 -> b.get(i);
                    case U8, BOOL -> b.get(i) & 0xFF;
                    default -> throw new FormatException(path + ": tensor \"" + name + "\" has dtype " + info.dtype()
                            + ", expected an integer dtype (I64, I32, I16, I8, U8, U16, U32, U64, BOOL)");
                };
            }
            return out;
        }
    }

    private Safetensors() {}

    /** Opens and validates a file; throws {@link FormatException} with the rule it breaks. */
    public static File open(Path path) {
        InputFiles.requireRegular(path, "a safetensors file");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            String where = path.toString();
            if (size < 8) {
                throw new FormatException(where + ": " + size + " bytes is too small for a safetensors file (header length alone is 8 bytes); the file is empty or truncated");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, where);
            long n = lenBuf.getLong(0);
            if (lenBuf.get(0) == 'P' && lenBuf.get(1) == 'K') {
                throw new FormatException(where + " is a zip archive (a PyTorch .pt/.bin pickle), not safetensors; seqlab never "
                        + "unpickles (it can run code): save the state dict with safetensors' save_file instead");
            }
            if (n < 0 || n > MAX_HEADER) {
                throw new FormatException(where + ": header length " + Long.toUnsignedString(n)
                        + " is larger than the 100 MB limit; not a safetensors file");
            }
            if (8 + n > size) {
                throw new FormatException(where + ": header length " + n + " exceeds the file size (" + size
                        + " bytes); the file is truncated or not safetensors");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8, where);
            return parse(path, hb.array(), size);
        } catch (NoSuchFileException e) {
            throw new FormatException(path + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + IoErrors.describe(e), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, String where) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) {
                throw new EOFException(where + " ended early");
            }
        }
    }

    /** Validates a header given its bytes and the file's total size. */
    static File parse(Path path, byte[] header, long fileSize) {
        String where = path.toString();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(where + ": header is not valid UTF-8 (at or after byte " + (8 + firstBadUtf8(header))
                    + "); the file is corrupt");
        }
        Object json;
        try {
            json = Json.parse(text);
        } catch (FormatException e) {
            throw new FormatException(where + ": header is not valid JSON: " + e.getMessage());
        }
        if (!(json instanceof Map<?, ?> top)) {
            throw new FormatException(where + ": header must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Info> infos = new ArrayList<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new FormatException(where + ": __metadata__ must be an object of strings");
                }
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String s)) {
                        throw new FormatException(where + ": __metadata__ value for \"" + me.getKey()
                                + "\" must be a string (safetensors allows only string values)");
                    }
                    metadata.put((String) me.getKey(), s);
                }
                continue;
            }
            infos.add(info(where, name, e.getValue()));
        }
        infos.sort(Comparator.comparingLong(Info::begin).thenComparingLong(Info::end));
        long expect = 0;
        for (Info i : infos) {
            if (i.begin() != expect) {
                throw new FormatException(where + ": invalid offset for tensor \"" + i.name() + "\": data starts at "
                        + i.begin() + ", expected " + expect + " (tensors must cover the buffer contiguously, without gaps or overlaps)");
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(numel(i.shape()), (long) i.dtype().bits());
            } catch (ArithmeticException ex) {
                throw new FormatException(where + ": tensor \"" + i.name() + "\" shape " + Arrays.toString(i.shape())
                        + " overflows when its size is computed");
            }
            if (bytes % 8 != 0) {
                throw new FormatException(where + ": tensor \"" + i.name() + "\" of dtype " + i.dtype()
                        + " does not fill whole bytes");
            }
            if (i.end() - i.begin() != bytes / 8) {
                throw new FormatException(where + ": tensor \"" + i.name() + "\" has " + (i.end() - i.begin())
                        + " bytes of data, but dtype " + i.dtype() + " and shape " + Arrays.toString(i.shape())
                        + " need " + bytes / 8);
            }
            expect = i.end();
        }
        long dataStart = 8L + header.length;
        if (dataStart + expect != fileSize) {
            throw new FormatException(where + ": the tensors cover " + expect + " bytes of data but the file has "
                    + (fileSize - dataStart) + " after the header (" + (dataStart + expect < fileSize ? "trailing bytes" : "missing bytes")
                    + "); the file is corrupt or truncated");
        }
        Map<String, Info> tensors = new LinkedHashMap<>();
        for (Info i : infos) {
            tensors.put(i.name(), i);
        }
        return new File(path, metadata, tensors, dataStart);
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static Info info(String where, String name, Object v) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new FormatException(where + ": entry for tensor \"" + name + "\" must be an object with dtype, shape, data_offsets");
        }
        for (Object k : m.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw new FormatException(where + ": tensor \"" + name + "\" has the unknown field \"" + k
                        + "\" (allowed: dtype, shape, data_offsets)");
            }
        }
        if (!(m.get("dtype") instanceof String ds)) {
            throw new FormatException(where + ": tensor \"" + name + "\" needs a string dtype");
        }
        DType dtype = DType.parse(ds);
        if (dtype == null) {
            throw new FormatException(where + ": tensor \"" + name + "\" has the unknown dtype \"" + ds + "\"");
        }
        long[] shape = integers(where, name, "shape", m.get("shape"), -1);
        long[] off = integers(where, name, "data_offsets", m.get("data_offsets"), 2);
        if (off[1] < off[0]) {
            throw new FormatException(where + ": invalid offset for tensor \"" + name + "\": end " + off[1] + " < begin " + off[0]);
        }
        return new Info(name, dtype, shape, off[0], off[1]);
    }

    private static long[] integers(String where, String name, String field, Object v, int count) {
        if (!(v instanceof List<?> l) || (count >= 0 && l.size() != count)) {
            throw new FormatException(where + ": tensor \"" + name + "\" field " + field + " must be "
                    + (count >= 0 ? "a list of " + count + " integers" : "a list of integers"));
        }
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            Object x = l.get(i);
            long val;
            try {
                val = ((Json.Num) x).longValueExact();
            } catch (ClassCastException | NumberFormatException e) {
                val = -1;
            }
            if (val < 0 || val > MAX_INT48) {
                throw new FormatException(where + ": tensor \"" + name + "\" field " + field + " holds " + x
                        + ", expected a non-negative integer below 2^48");
            }
            out[i] = val;
        }
        return out;
    }

    /** The offset of the first byte that is not valid UTF-8. */
    private static int firstBadUtf8(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(b.length + 1);
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, out, true);
        return in.position();
    }

    /**
     * Writes tensors (in the reference order: descending dtype size, then name) with a metadata
     * map, atomically.
     */
    public static void write(Path target, Map<String, Entry> tensors, Map<String, String> metadata) {
        List<String> names = new ArrayList<>(tensors.keySet());
        names.sort(Comparator.comparingInt((String k) -> -tensors.get(k).dtype().bits()).thenComparing(k -> k));
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (String name : names) {
            if (name.equals("__metadata__")) {
                throw new IllegalArgumentException("a tensor cannot be named __metadata__");
            }
            Entry e = tensors.get(name);
            long need = numel(e.shape()) * e.dtype().bits() / 8;
            if (e.bytes().remaining() != need) {
                throw new IllegalArgumentException("tensor \"" + name + "\": " + e.bytes().remaining()
                        + " bytes for dtype " + e.dtype() + " and shape " + Arrays.toString(e.shape()) + ", expected " + need);
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", e.dtype().name());
            info.put("shape", e.shape());
            info.put("data_offsets", new long[] {offset, offset + need});
            header.put(name, info);
            offset += need;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        if (padded > MAX_HEADER) {
            throw new IllegalArgumentException("safetensors header of " + padded + " bytes exceeds the 100 MB limit");
        }
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicFiles.write(target, ch -> {
            AtomicFiles.writeFully(ch, head);
            for (String name : names) {
                AtomicFiles.writeFully(ch, tensors.get(name).bytes().duplicate());
            }
        });
    }
}
