package seqlab.tensor;

import java.util.IdentityHashMap;
import java.util.Map;

import seqlab.kernel.Gemm;

/**
 * Weight matrices packed for the GEMM once and reused, for a layer that multiplies by the same
 * weight many times in one pass: a decoder that runs one step at a time would otherwise repack
 * W_ih and W_hh at every step, forward and backward. W (out, in) as PyTorch stores it;
 * {@link #transposed} packs op(B) = Wᵀ for y = x·Wᵀ, {@link #plain} packs op(B) = W for ∂x = ∂y·W.
 *
 * <p>A pack is a copy: it is valid only while W's values do not change. Make one per forward and
 * backward pass (the optimizer step comes after it). Not thread-safe: one pass, one thread.
 */
public final class PackedWeights {

    private final Map<Tensor, Gemm.PackedB> transposed = new IdentityHashMap<>();
    private final Map<Tensor, Gemm.PackedB> plain = new IdentityHashMap<>();

    /** Wᵀ (in, out), packed on first use. */
    public Gemm.PackedB transposed(Tensor w) {
        return transposed.computeIfAbsent(w, t -> Gemm.pack(true, t.dim(1), t.dim(0), t.data(), 0, Math.max(t.dim(1), 1)));
    }

    /** W (out, in), packed on first use. */
    public Gemm.PackedB plain(Tensor w) {
        return plain.computeIfAbsent(w, t -> Gemm.pack(false, t.dim(0), t.dim(1), t.data(), 0, Math.max(t.dim(1), 1)));
    }
}
