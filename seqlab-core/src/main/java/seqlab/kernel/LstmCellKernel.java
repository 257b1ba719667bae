package seqlab.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One LSTM time step, fused, for B rows; PyTorch's gate order i, f, g, o.
 *
 * <pre>
 * i = σ(x_i + h_i + b_hi)   f = σ(x_f + h_f + b_hf)   g = tanh(x_g + h_g + b_hg)   o = σ(x_o + h_o + b_ho)
 * c' = f ⊙ c + i ⊙ g        h' = o ⊙ tanh(c')
 * </pre>
 * {@code x_*} is the input projection W_ih·x + b_ih (computed for all steps by one GEMM),
 * {@code h_*} the recurrent product W_hh·h. Shapes: gates (B, 4H), states (B, H), all rows
 * contiguous.
 */
public final class LstmCellKernel {

    private static final VectorSpecies<Float> F = Vec.F;

    private LstmCellKernel() {}

    /**
     * Forward. In: {@code gates} holds W_hh·h (B, 4H); {@code xg} W_ih·x + b_ih (B, 4H); {@code bhh}
     * (4H); {@code cPrev} (B, H). Out: {@code gates} the activated i, f, g, o; {@code c}, {@code tc} =
     * tanh(c), {@code h}, each (B, H).
     */
    public static void forward(int batch, int hidden, float[] gates, int gOff, float[] xg, int xOff,
                               float[] bhh, int bOff, float[] cPrev, int cpOff, float[] c, int cOff,
                               float[] tc, int tcOff, float[] h, int hOff, boolean reference) {
        int g4 = 4 * hidden;
        for (int r = 0; r < batch; r++) {
            int gr = gOff + r * g4;
            int xr = xOff + r * g4;
            int sr = r * hidden;
            int j = 0;
            if (!reference) {
                for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
                    FloatVector i = Vec.sigmoid(pre(gates, gr + j, xg, xr + j, bhh, bOff + j));
                    FloatVector f = Vec.sigmoid(pre(gates, gr + hidden + j, xg, xr + hidden + j, bhh, bOff + hidden + j));
                    FloatVector g = Vec.tanh(pre(gates, gr + 2 * hidden + j, xg, xr + 2 * hidden + j, bhh, bOff + 2 * hidden + j));
                    FloatVector o = Vec.sigmoid(pre(gates, gr + 3 * hidden + j, xg, xr + 3 * hidden + j, bhh, bOff + 3 * hidden + j));
                    FloatVector cp = FloatVector.fromArray(F, cPrev, cpOff + sr + j);
                    FloatVector cn = f.mul(cp).add(i.mul(g));                     // c' = f ⊙ c + i ⊙ g
                    FloatVector t = Vec.tanh(cn);
                    i.intoArray(gates, gr + j);
                    f.intoArray(gates, gr + hidden + j);
                    g.intoArray(gates, gr + 2 * hidden + j);
                    o.intoArray(gates, gr + 3 * hidden + j);
                    cn.intoArray(c, cOff + sr + j);
                    t.intoArray(tc, tcOff + sr + j);
                    o.mul(t).intoArray(h, hOff + sr + j);                         // h' = o ⊙ tanh(c')
                }
            }
            for (; j < hidden; j++) {
                int q = gr + j;
                int x = xr + j;
                int b = bOff + j;
                float i = Vec.sigmoid(gates[q] + xg[x] + bhh[b], reference);
                float f = Vec.sigmoid(gates[q + hidden] + xg[x + hidden] + bhh[b + hidden], reference);
                float g = Vec.tanh(gates[q + 2 * hidden] + xg[x + 2 * hidden] + bhh[b + 2 * hidden], reference);
                float o = Vec.sigmoid(gates[q + 3 * hidden] + xg[x + 3 * hidden] + bhh[b + 3 * hidden], reference);
                float cn = f * cPrev[cpOff + sr + j] + i * g;
                float t = Vec.tanh(cn, reference);
                gates[q] = i;
                gates[q + hidden] = f;
                gates[q + 2 * hidden] = g;
                gates[q + 3 * hidden] = o;
                c[cOff + sr + j] = cn;
                tc[tcOff + sr + j] = t;
                h[hOff + sr + j] = o * t;
            }
        }
    }

    private static FloatVector pre(float[] gates, int gi, float[] xg, int xi, float[] bhh, int bi) {
        return FloatVector.fromArray(F, gates, gi).add(FloatVector.fromArray(F, xg, xi)).add(FloatVector.fromArray(F, bhh, bi));
    }

    /**
     * Backward. In: {@code act} the activated gates of the step (B, 4H); {@code cPrev}, {@code tc}
     * (B, H); {@code dh} = ∂L/∂h' (B, H); {@code dc} = ∂L/∂c' from later steps (B, H). Out:
     * {@code dgates} = ∂L/∂(pre-activations) (B, 4H); {@code dc} overwritten with ∂L/∂c.
     */
    public static void backward(int batch, int hidden, float[] act, int aOff, float[] cPrev, int cpOff,
                                float[] tc, int tcOff, float[] dh, int dhOff, float[] dc, int dcOff,
                                float[] dgates, int dgOff, boolean reference) {
        int g4 = 4 * hidden;
        for (int r = 0; r < batch; r++) {
            int ar = aOff + r * g4;
            int dr = dgOff + r * g4;
            int sr = r * hidden;
            int j = 0;
            if (!reference) {
                for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
                    FloatVector i = FloatVector.fromArray(F, act, ar + j);
                    FloatVector f = FloatVector.fromArray(F, act, ar + hidden + j);
                    FloatVector g = FloatVector.fromArray(F, act, ar + 2 * hidden + j);
                    FloatVector o = FloatVector.fromArray(F, act, ar + 3 * hidden + j);
                    FloatVector t = FloatVector.fromArray(F, tc, tcOff + sr + j);
                    FloatVector d = FloatVector.fromArray(F, dh, dhOff + sr + j);
                    FloatVector dct = FloatVector.fromArray(F, dc, dcOff + sr + j)
                            .add(d.mul(o).mul(t.mul(t).neg().add(1f)));            // ∂c' += ∂h'·o·(1 − tanh²c')
                    FloatVector cp = FloatVector.fromArray(F, cPrev, cpOff + sr + j);
                    dct.mul(g).mul(i).mul(i.neg().add(1f)).intoArray(dgates, dr + j);
                    dct.mul(cp).mul(f).mul(f.neg().add(1f)).intoArray(dgates, dr + hidden + j);
                    dct.mul(i).mul(g.mul(g).neg().add(1f)).intoArray(dgates, dr + 2 * hidden + j);
                    d.mul(t).mul(o).mul(o.neg().add(1f)).intoArray(dgates, dr + 3 * hidden + j);
                    dct.mul(f).intoArray(dc, dcOff + sr + j);                      // ∂c = ∂c'·f
                }
            }
            for (; j < hidden; j++) {
                int a = ar + j;
                float i = act[a];
                float f = act[a + hidden];
                float g = act[a + 2 * hidden];
                float o = act[a + 3 * hidden];
                float t = tc[tcOff + sr + j];
                float d = dh[dhOff + sr + j];
                float dct = dc[dcOff + sr + j] + d * o * (1f - t * t);
                float cp = cPrev[cpOff + sr + j];
                dgates[dr + j] = dct * g * i * (1f - i);
                dgates[dr + hidden + j] = dct * cp * f * (1f - f);
                dgates[dr + 2 * hidden + j] = dct * i * (1f - g * g);
                dgates[dr + 3 * hidden + j] = d * t * o * (1f - o);
                dc[dcOff + sr + j] = dct * f;
            }
        }
    }
}
