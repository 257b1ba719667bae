package seqlab.io;

/**
 * The safetensors dtypes (safetensors {@code Dtype}) with their sizes in bits. seqlab converts
 * F32, F64, F16 and BF16 to float and the integer types and BOOL to long; the others can be
 * listed by {@code seqlab info} but not loaded.
 */
public enum DType {
    BOOL(8), F4(4), F6_E2M3(6), F6_E3M2(6), U8(8), I8(8), F8_E5M2(8), F8_E4M3(8), F8_E8M0(8),
    F8_E4M3FNUZ(8), F8_E5M2FNUZ(8), I16(16), U16(16), F16(16), BF16(16), I32(32), U32(32), F32(32),
    C64(64), F64(64), I64(64), U64(64);

    private final int bits;

    DType(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    public boolean isFloat() {
        return this == F32 || this == F64 || this == F16 || this == BF16;
    }

    public boolean isInteger() {
        return this == I64 || this == I32 || this == I16 || this == I8 || this == U8 || this == U16
                || this == U32 || this == U64 || this == BOOL;
    }

    /** The dtype named {@code s}, or null when it is not a safetensors dtype. */
    public static DType parse(String s) {
        for (DType d : values()) {
            if (d.name().equals(s)) {
                return d;
            }
        }
        return null;
    }
}
