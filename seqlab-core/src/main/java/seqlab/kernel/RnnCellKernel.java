package seqlab.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One Elman RNN time step, fused: h' = tanh(x + W_hh·h + b_hh) or relu(…), with x = W_ih·x + b_ih.
 * Shapes: (B, H).
 */
public final class RnnCellKernel {

    private static final VectorSpecies<Float> F = Vec.F;

    private RnnCellKernel() {}

    /** Forward. In: {@code pre} = W_hh·h (B, H), {@code xg} (B, H), {@code bhh} (H). Out: {@code h}; pre is overwritten. */
    public static void forward(int batch, int hidden, boolean relu, float[] pre, int pOff, float[] xg, int xOff,
                               float[] bhh, int bOff, float[] h, int hOff, boolean reference) {
        for (int row = 0; row < batch; row++) {
            int pr = pOff + row * hidden;
            int xr = xOff + row * hidden;
            int hr = hOff + row * hidden;
            if (reference) {
                for (int j = 0; j < hidden; j++) {
                    float v = pre[pr + j] + bhh[bOff + j] + xg[xr + j];
                    h[hr + j] = relu ? Math.max(v, 0f) : Vec.tanhReference(v);
                }
                continue;
            }
            Vec.add(hidden, bhh, bOff, pre, pr);
            Vec.add(hidden, xg, xr, pre, pr);
            if (relu) {
                int j = 0;
                for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
                    FloatVector.fromArray(F, pre, pr + j).max(0f).intoArray(h, hr + j);
                }
                for (; j < hidden; j++) {
                    h[hr + j] = Math.max(pre[pr + j], 0f);
                }
            } else {
                FastMath.tanh(hidden, pre, pr, h, hr);
            }
        }
    }

    /** Backward: dpre = dh ⊙ (1 − h'²) for tanh, dh ⊙ [h' > 0] for relu. */
    public static void backward(int batch, int hidden, boolean relu, float[] h, int hOff, float[] dh, int dhOff,
                                float[] dpre, int dpOff, boolean reference) {
        int n = batch * hidden;
        int j = 0;
        if (!reference) {
            // one loop per activation: a vector chosen by a branch would be boxed by C2
            int bound = F.loopBound(n);
            if (relu) {
                for (; j < bound; j += F.length()) {
                    FloatVector hv = FloatVector.fromArray(F, h, hOff + j);
                    FloatVector.fromArray(F, dh, dhOff + j).blend(0f, hv.compare(VectorOperators.LE, 0f)).intoArray(dpre, dpOff + j);
                }
            } else {
                for (; j < bound; j += F.length()) {
                    FloatVector hv = FloatVector.fromArray(F, h, hOff + j);
                    FloatVector.fromArray(F, dh, dhOff + j).mul(hv.mul(hv).neg().add(1f)).intoArray(dpre, dpOff + j);
                }
            }
        }
        for (; j < n; j++) {
            float hv = h[hOff + j];
            float d = dh[dhOff + j];
            dpre[dpOff + j] = relu ? (hv > 0f ? d : 0f) : d * (1f - hv * hv);
        }
    }
}
