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
 * contiguous. The fast path runs a few vectorised passes over each row (all in L1); the
 * reference path is the plain scalar loop in double-precision StrictMath.
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
        if (reference) {
            forwardReference(batch, hidden, gates, gOff, xg, xOff, bhh, bOff, cPrev, cpOff, c, cOff, tc, tcOff, h, hOff);
            return;
        }
        int g4 = 4 * hidden;
        float[] scratch = Vec.scratch(hidden);
        for (int r = 0; r < batch; r++) {
            int gr = gOff + r * g4;
            int sr = r * hidden;
            Vec.add(g4, xg, xOff + r * g4, gates, gr);                              // pre-activations
            Vec.add(g4, bhh, bOff, gates, gr);
            FastMath.sigmoid(2 * hidden, gates, gr, gates, gr);                       // i, f
            FastMath.sigmoid(hidden, gates, gr + 3 * hidden, gates, gr + 3 * hidden); // o
            FastMath.tanh(hidden, gates, gr + 2 * hidden, scratch, 0);                // g
            System.arraycopy(scratch, 0, gates, gr + 2 * hidden, hidden);
            int j = 0;
            for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
                FloatVector i = FloatVector.fromArray(F, gates, gr + j);
                FloatVector f = FloatVector.fromArray(F, gates, gr + hidden + j);
                FloatVector g = FloatVector.fromArray(F, gates, gr + 2 * hidden + j);
                f.mul(FloatVector.fromArray(F, cPrev, cpOff + sr + j)).add(i.mul(g)).intoArray(c, cOff + sr + j);  // c' = f⊙c + i⊙g
            }
            for (; j < hidden; j++) {
                c[cOff + sr + j] = gates[gr + hidden + j] * cPrev[cpOff + sr + j] + gates[gr + j] * gates[gr + 2 * hidden + j];
            }
            FastMath.tanh(hidden, c, cOff + sr, tc, tcOff + sr);
            j = 0;
            for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {                // h' = o ⊙ tanh(c')
                FloatVector.fromArray(F, gates, gr + 3 * hidden + j).mul(FloatVector.fromArray(F, tc, tcOff + sr + j))
                        .intoArray(h, hOff + sr + j);
            }
            for (; j < hidden; j++) {
                h[hOff + sr + j] = gates[gr + 3 * hidden + j] * tc[tcOff + sr + j];
            }
        }
    }

    private static void forwardReference(int batch, int hidden, float[] gates, int gOff, float[] xg, int xOff,
                                         float[] bhh, int bOff, float[] cPrev, int cpOff, float[] c, int cOff,
                                         float[] tc, int tcOff, float[] h, int hOff) {
        for (int r = 0; r < batch; r++) {
            int gr = gOff + r * 4 * hidden;
            int xr = xOff + r * 4 * hidden;
            int sr = r * hidden;
            for (int j = 0; j < hidden; j++) {
                int q = gr + j;
                int x = xr + j;
                int b = bOff + j;
                float i = Vec.sigmoidReference(gates[q] + xg[x] + bhh[b]);
                float f = Vec.sigmoidReference(gates[q + hidden] + xg[x + hidden] + bhh[b + hidden]);
                float g = Vec.tanhReference(gates[q + 2 * hidden] + xg[x + 2 * hidden] + bhh[b + 2 * hidden]);
                float o = Vec.sigmoidReference(gates[q + 3 * hidden] + xg[x + 3 * hidden] + bhh[b + 3 * hidden]);
                float cn = f * cPrev[cpOff + sr + j] + i * g;
                float t = Vec.tanhReference(cn);
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
