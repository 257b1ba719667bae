package seqlab.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The safetensors reader's every rule (FAULTS.md F1-F19) and write/read round trips. */
class SafetensorsTest {

    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(p, bytes);
        return p;
    }

    /** A file with header {@code json} (as is) and {@code data} bytes after it. */
    private Path withHeader(String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return file(b.array());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void roundTripsRandomTensorsAlignedAndInOrder(int seed) {
        Rng rng = new Rng(seed);
        Map<String, Safetensors.Entry> tensors = new LinkedHashMap<>();
        Map<String, float[]> floats = new LinkedHashMap<>();
        Map<String, long[]> longs = new LinkedHashMap<>();
        int count = 1 + rng.nextInt(8);
        for (int t = 0; t < count; t++) {
            int rank = rng.nextInt(4);
            int[] shape = new int[rank];
            int n = 1;
            for (int i = 0; i < rank; i++) {
                shape[i] = rng.nextInt(5);
                n *= shape[i];
            }
            String name = "t" + t + (rng.nextInt(2) == 0 ? ".weight" : "");
            if (rng.nextInt(2) == 0) {
                float[] d = new float[n];
                for (int i = 0; i < n; i++) {
                    d[i] = (float) rng.nextGaussian();
                }
                floats.put(name, d);
                tensors.put(name, Safetensors.Entry.f32(d, shape));
            } else {
                long[] d = new long[n];
                for (int i = 0; i < n; i++) {
                    d[i] = rng.nextLong();
                }
                longs.put(name, d);
                tensors.put(name, Safetensors.Entry.i64(d, shape));
            }
        }
        Path p = dir.resolve("rt" + seed + ".safetensors");
        Safetensors.write(p, tensors, Map.of("format", "pt"));
        Safetensors.File f = Safetensors.open(p);
        assertThat(f.metadata()).containsEntry("format", "pt");
        assertThat(f.tensors().keySet()).containsExactlyInAnyOrderElementsOf(tensors.keySet());
        floats.forEach((k, v) -> assertThat(f.floats(k)).isEqualTo(v));
        longs.forEach((k, v) -> assertThat(f.longs(k)).isEqualTo(v));
        long headerEnd = 8 + ByteBuffer.wrap(readAll(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerEnd % 8).as("data aligned to 8 bytes").isZero();
        for (Safetensors.Info i : f.tensors().values()) {
            assertThat((headerEnd + i.begin()) % (i.dtype().bits() / 8)).isZero();
        }
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void writerMatchesTheReferenceLayout() throws IOException {
        // safetensors' test_serialization_forced_alignement: header padded with spaces to 8 bytes
        Path p = dir.resolve("ref.safetensors");
        Safetensors.write(p, Map.of("attn0", Safetensors.Entry.f32(new float[6], 1, 1, 2, 3)), Map.of());
        byte[] b = Files.readAllBytes(p);
        String header = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}";
        assertThat(new String(b, 8, header.length(), StandardCharsets.UTF_8)).isEqualTo(header);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n).isEqualTo(header.length() + 7);
        for (int i = 8 + header.length(); i < 8 + n; i++) {
            assertThat(b[i]).isEqualTo((byte) ' ');
        }
    }

    @Test
    void convertsHalfAndBfloatAndDoubleAndNarrowIntegers() throws IOException {
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[6,10]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[10,18]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[18,20]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[20,24]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        buf.putShort(Float.floatToFloat16(1.5f)).putShort((short) 0x7c00).putShort((short) 0x0001);  // 1.5, +inf, subnormal
        buf.putShort((short) (Float.floatToIntBits(-2.5f) >>> 16)).putShort((short) 0x7fc0);          // -2.5, NaN
        buf.putDouble(0.1);
        buf.put((byte) 255).put((byte) 1);
        buf.putInt(-7);
        Safetensors.File f = Safetensors.open(file(buf.array()));
        assertThat(f.floats("h")).containsExactly(1.5f, Float.POSITIVE_INFINITY, 5.9604645e-8f);
        float[] bf = f.floats("b");
        assertThat(bf[0]).isEqualTo(-2.5f);
        assertThat(bf[1]).isNaN();
        assertThat(f.floats("d")).containsExactly(0.1f);
        assertThat(f.longs("u")).containsExactly(255, 1);
        assertThat(f.longs("i")).containsExactly(-7);
        assertThatThrownBy(() -> f.floats("u")).hasMessageContaining("dtype U8").hasMessageContaining("floating-point");
        assertThatThrownBy(() -> f.longs("h")).hasMessageContaining("integer dtype");
        assertThatThrownBy(() -> f.floats("missing")).hasMessageContaining("no tensor named \"missing\"");
    }

    @Test
    void acceptsZeroSizeScalarEmptyAndWhitespace() throws IOException {
        // F15 and F6: {} with leading and trailing JSON whitespace; zero-size and rank-0 tensors
        assertThat(Safetensors.open(withHeader("\r \t\n{}  ", 0)).tensors()).isEmpty();
        Safetensors.File f = Safetensors.open(withHeader(
                "{\"z\":{\"dtype\":\"F32\",\"shape\":[2,0],\"data_offsets\":[0,0]},\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4));
        assertThat(f.floats("z")).isEmpty();
        assertThat(f.floats("s")).hasSize(1);
    }

    @Test
    void rejectsFilesTooSmallAndHeadersTooLarge() throws IOException {
        assertThatThrownBy(() -> Safetensors.open(file(new byte[0]))).hasMessageContaining("too small");           // F1
        assertThatThrownBy(() -> Safetensors.open(file(new byte[5]))).hasMessageContaining("too small");
        ByteBuffer big = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100_000_001L);
        assertThatThrownBy(() -> Safetensors.open(file(big.array()))).hasMessageContaining("100 MB");              // F2
        ByteBuffer neg = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
        assertThatThrownBy(() -> Safetensors.open(file(neg.array()))).hasMessageContaining("100 MB");
        byte[] lie = {'<', 0, 0, 0, 0, 0, 0, 0, '{', '}'};                                                          // F3
        assertThatThrownBy(() -> Safetensors.open(file(lie))).hasMessageContaining("exceeds the file size");
        byte[] zip = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0};                                                            // F19
        assertThatThrownBy(() -> Safetensors.open(file(zip))).hasMessageContaining("zip");
        assertThatThrownBy(() -> Safetensors.open(dir.resolve("absent.safetensors"))).hasMessageContaining("no such file");
    }

    @Test
    void rejectsHeaderThatIsNotUtf8() throws IOException {
        byte[] h = {'{', '"', (byte) 0xff, '"', ':', '1', '}'};                                                    // F4
        ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        assertThatThrownBy(() -> Safetensors.open(file(b.array()))).hasMessageContaining("not valid UTF-8").hasMessageContaining("byte 10");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{|not valid JSON",                                                                                      // F5
            "[]|must be a JSON object",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|duplicate key",  // F7
            "{\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"}}|duplicate key",
            "{\"__metadata__\":{\"k\":1}}|must be a string",                                                        // F8
            "{\"__metadata__\":{\"k\":{\"x\":\"y\"}}}|must be a string",
            "{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}|unknown dtype \"F33\"",               // F9
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}|unknown field \"x\"",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,-4]}}|non-negative integer",               // F10
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.0]}}|non-negative integer",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,9007199254740993000]}}|non-negative integer",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}|list of 2 integers",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|invalid offset for tensor \"a\"",      // F11
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}|end 0 < begin 4",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}|invalid offset",  // overlap (json attack)
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}|invalid offset",  // gap
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[140737488355327,140737488355327],\"data_offsets\":[0,4]}}|overflows",          // F12
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}|need 8",                             // F13
            "{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}|whole bytes"})
    void rejectsEveryMalformedHeader(String json, String message) throws IOException {
        Path p = withHeader(json, 64);
        assertThatThrownBy(() -> Safetensors.open(p)).isInstanceOf(FormatException.class).hasMessageContaining(message);
    }

    @Test
    void rejectsTrailingAndMissingBytes() throws IOException {                                                       // F14
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertThatThrownBy(() -> Safetensors.open(withHeader(h, 5))).hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> Safetensors.open(withHeader(h, 2))).hasMessageContaining("missing bytes");
        assertThat(Safetensors.open(withHeader(h, 4)).floats("a")).hasSize(1);
    }

    @Test
    void rejectsATensorTooLargeForAFloatArrayBeforeReadingData() throws IOException {                                // F17
        // a forged header: the file has no data, so only the validator can run; it must not allocate
        long n = 1L << 31;
        String h = "{\"a\":{\"dtype\":\"U8\",\"shape\":[" + n + "],\"data_offsets\":[0," + n + "]}}";
        Path p = withHeader(h, 0);
        assertThatThrownBy(() -> Safetensors.open(p)).hasMessageContaining("missing bytes");
        Safetensors.File forged = Safetensors.parse(p, h.getBytes(StandardCharsets.UTF_8), 8 + h.length() + n);
        assertThatThrownBy(() -> forged.bytes("a")).hasMessageContaining("too large for this build");
    }

    @Test
    void aFileTruncatedAfterOpeningGivesACleanError() throws IOException {                                           // F20
        Path p = dir.resolve("trunc.safetensors");
        Safetensors.write(p, Map.of("a", Safetensors.Entry.f32(new float[100], 100)), Map.of());
        Safetensors.File f = Safetensors.open(p);
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(100);
        }
        assertThatThrownBy(() -> f.floats("a")).hasMessageContaining("file ended inside tensor");
    }

    @Test
    void savingOverAFileThatIsOpenForReadingReplacesItWhole() throws IOException {                                  // C7, #764
        Path p = dir.resolve("same.safetensors");
        float[] data = {1, 2, 3};
        Safetensors.write(p, Map.of("a", Safetensors.Entry.f32(data, 3)), Map.of());
        Safetensors.File f = Safetensors.open(p);
        Safetensors.write(p, Map.of("a", Safetensors.Entry.f32(f.floats("a"), 3)), Map.of());
        assertThat(Safetensors.open(p).floats("a")).containsExactly(1, 2, 3);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(x -> x.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }
}
