package seqlab.tensor;

import java.util.Arrays;

import seqlab.kernel.AttentionMask;
import seqlab.kernel.FastMath;
import seqlab.kernel.Parallel;
import seqlab.kernel.Softmax;
import seqlab.kernel.Vec;

/**
 * The alignment of a seq2seq decoder with its source, one query vector per batch row (Bahdanau
 * and Luong attention), each a differentiable op: scores by dot product or by the additive form, a
 * softmax that gives hidden positions exactly zero weight, and the weighted sum of values.
 * Shapes: q (B, H), keys/values (B, S, H), scores and weights (B, S).
 *
 * <p>The batch rows of an op are independent, so the larger ops split them over the thread pool;
 * each row is computed in the same order either way, and the results are the same bits for any
 * thread count. A gradient summed over rows (v in {@link #additiveScores}) is summed afterwards
 * on the calling thread, in row order.
 */
public final class AlignmentOps {

    private AlignmentOps() {}

    /** Runs {@code row(r)} for every batch row r, on the thread pool when {@code work} is large enough. */
    private static void eachRow(int b, long work, Parallel.Task row) {
        Parallel.forRanges(b, work, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                row.run(r);
            }
        });
    }

    /** e[b, i] = q[b, :] · k[b, i, :]. */
    public static Tensor dotScores(Tensor q, Tensor k) {
        int b = q.dim(0);
        int h = q.dim(1);
        if (k.rank() != 3 || k.dim(0) != b || k.dim(2) != h) {
            throw new IllegalArgumentException("attention: query " + Arrays.toString(q.shape()) + " and keys "
                    + Arrays.toString(k.shape()) + " do not match; expected (B, H) and (B, S, H)");
        }
        int s = k.dim(1);
        Tensor e = Tensor.output(b, s);
        float[] qd = q.data();
        float[] kd = k.data();
        float[] ed = e.data();
        long work = (long) b * s * h;
        eachRow(b, work, r -> {
            for (int i = 0; i < s; i++) {
                double acc = 0;
                int ko = (r * s + i) * h;
                for (int j = 0; j < h; j++) {
                    acc += (double) qd[r * h + j] * kd[ko + j];
                }
                ed[r * s + i] = (float) acc;
            }
        });
        Node.record(new Tensor[] {e}, new Tensor[] {q, k}, () -> {
            float[] de = e.gradOrNull();
            if (de == null) {
                return;
            }
            float[] dq = q.requiresGrad() ? q.grad() : null;
            float[] dk = k.requiresGrad() ? k.grad() : null;
            eachRow(b, work, r -> {
                for (int i = 0; i < s; i++) {
                    float g = de[r * s + i];
                    int ko = (r * s + i) * h;
                    for (int j = 0; j < h; j++) {
                        if (dq != null) {
                            dq[r * h + j] += g * kd[ko + j];           // ∂q = Σ_i ∂e_i k_i
                        }
                        if (dk != null) {
                            dk[ko + j] += g * qd[r * h + j];           // ∂k_i = ∂e_i q
                        }
                    }
                }
            });
        });
        return e;
    }

    /**
     * α = softmax over the positions the mask shows the row's one query, hidden ones given weight
     * exactly 0 (−∞ before the softmax); a row with no position to attend gives all zeros and zero
     * gradient, never NaN.
     */
    public static Tensor maskedSoftmax(Tensor scores, AttentionMask mask) {
        int b = scores.dim(0);
        int s = scores.dim(1);
        mask.check(b, 1, s);
        float[] z = Workspace.copyOf(scores.data());
        if (!mask.isNone()) {
            for (int r = 0; r < b; r++) {
                mask.hide(r, 0, 0, s, 1, s, mask.keyEnd(r, 0, 1, s), z, r * s);          // the row's one query
            }
        }
        Tensor a = Tensor.output(b, s);
        Softmax.softmax(b, s, z, 0, a.data(), 0, seqlab.kernel.Kernels.reference());
        Node.record(new Tensor[] {a}, new Tensor[] {scores}, () -> {
            float[] da = a.gradOrNull();
            if (da == null || !scores.requiresGrad()) {
                return;
            }
            float[] ad = a.data();
            float[] dz = scores.grad();
            for (int r = 0; r < b; r++) {
                double dot = 0;                                        // Σ_j α_j ∂α_j
                for (int j = 0; j < s; j++) {
                    dot += (double) ad[r * s + j] * da[r * s + j];
                }
                for (int j = 0; j < s; j++) {                          // ∂e_i = α_i (∂α_i − Σ_j α_j ∂α_j)
                    dz[r * s + j] += (float) (ad[r * s + j] * (da[r * s + j] - dot));
                }
            }
        });
        return a;
    }

    /** c[b, :] = Σ_i α[b, i] · v[b, i, :]. */
    public static Tensor weightedSum(Tensor alpha, Tensor v) {
        int b = alpha.dim(0);
        int s = alpha.dim(1);
        if (v.rank() != 3 || v.dim(0) != b || v.dim(1) != s) {
            throw new IllegalArgumentException("attention: weights " + Arrays.toString(alpha.shape()) + " and values "
                    + Arrays.toString(v.shape()) + " do not match; expected (B, S) and (B, S, H)");
        }
        int h = v.dim(2);
        Tensor c = Tensor.output(b, h);
        float[] ad = alpha.data();
        float[] vd = v.data();
        float[] cd = c.data();
        long work = (long) b * s * h;
        eachRow(b, work, r -> {
            for (int i = 0; i < s; i++) {
                float w = ad[r * s + i];
                int vo = (r * s + i) * h;
                for (int j = 0; j < h; j++) {
                    cd[r * h + j] += w * vd[vo + j];
                }
            }
        });
        Node.record(new Tensor[] {c}, new Tensor[] {alpha, v}, () -> {
            float[] dc = c.gradOrNull();
            if (dc == null) {
                return;
            }
            float[] da = alpha.requiresGrad() ? alpha.grad() : null;
            float[] dv = v.requiresGrad() ? v.grad() : null;
            eachRow(b, work, r -> {
                for (int i = 0; i < s; i++) {
                    int vo = (r * s + i) * h;
                    double acc = 0;
                    for (int j = 0; j < h; j++) {
                        acc += (double) dc[r * h + j] * vd[vo + j];   // ∂α_i = ∂c · v_i
                        if (dv != null) {
                            dv[vo + j] += ad[r * s + i] * dc[r * h + j];   // ∂v_i = α_i ∂c
                        }
                    }
                    if (da != null) {
                        da[r * s + i] += (float) acc;
                    }
                }
            });
        });
        return c;
    }

    /**
     * Bahdanau's score as one fused op: e[b, i] = Σ_a v_a tanh(k[b, i, a] + q[b, a]), for keys
     * k = U_a h + b (B, S, A), query q = W_a s (B, A) and v (1, A) or (A); e (B, S). Backward, with
     * t = tanh(k + q): ∂t = ∂e·v ⊙ (1 − t²), ∂k = ∂t, ∂q = Σ_i ∂t, ∂v = Σ_{b,i} ∂e·t.
     */
    public static Tensor additiveScores(Tensor keys, Tensor query, Tensor v) {
        int b = keys.dim(0);
        int s = keys.dim(1);
        int a = keys.dim(2);
        if (query.rank() != 2 || query.dim(0) != b || query.dim(1) != a || v.size() != a) {
            throw new IllegalArgumentException("additive attention: keys " + Arrays.toString(keys.shape()) + ", query "
                    + Arrays.toString(query.shape()) + " and v " + Arrays.toString(v.shape()) + " do not fit");
        }
        float[] t = Workspace.floats(b * s * a);                                              // tanh(k + q), kept for backward
        float[] kd = keys.data();
        float[] qd = query.data();
        float[] vd = v.data();
        Tensor e = Tensor.output(b, s);
        float[] ed = e.data();
        float[] u = Workspace.floats(b * a);                                                  // k + q of one position, per row
        long work = (long) b * s * a;
        eachRow(b, work, r -> {
            for (int i = 0; i < s; i++) {
                int o = (r * s + i) * a;
                System.arraycopy(kd, o, u, r * a, a);
                seqlab.kernel.Vec.add(a, qd, r * a, u, r * a);                                // k + q
                FastMath.tanh(a, u, r * a, t, o);
                ed[r * s + i] = seqlab.kernel.Vec.dot(a, vd, 0, t, o);                        // vᵀ tanh(k + q)
            }
        });
        Node.record(new Tensor[] {e}, new Tensor[] {keys, query, v}, () -> {
            float[] de = e.gradOrNull();
            if (de == null) {
                return;
            }
            if (keys.requiresGrad() || query.requiresGrad()) {
                float[] dk = keys.requiresGrad() ? keys.grad() : null;                        // allocated here, not by the workers
                float[] dq = query.requiresGrad() ? query.grad() : null;
                float[] dt = Workspace.floats(b * a);                                         // ∂(k + q) of one position, per row
                eachRow(b, work, r -> {
                    for (int i = 0; i < s; i++) {
                        int o = (r * s + i) * a;
                        float g = de[r * s + i];
                        for (int j = 0; j < a; j++) {
                            float tj = t[o + j];
                            dt[r * a + j] = g * vd[j] * (1f - tj * tj);                       // ∂t ⊙ (1 − t²)
                        }
                        if (dk != null) {
                            seqlab.kernel.Vec.add(a, dt, r * a, dk, o);
                        }
                        if (dq != null) {
                            seqlab.kernel.Vec.add(a, dt, r * a, dq, r * a);
                        }
                    }
                });
            }
            if (v.requiresGrad()) {
                for (int row = 0; row < b * s; row++) {                                       // ∂v = Σ_{b,i} ∂e·t, in row order
                    seqlab.kernel.Vec.axpy(a, de[row], t, row * a, v.grad(), 0);
                }
            }
        });
        return e;
    }
}
