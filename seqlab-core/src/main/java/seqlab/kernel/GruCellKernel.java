package seqlab.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One GRU time step, fused, for B rows; PyTorch's gate order r, z, n.
 *
 * <pre>
 * r = σ(x_r + h_r + b_hr)   z = σ(x_z + h_z + b_hz)
 * n = tanh(x_n + r ⊙ (h_n + b_hn))
 * h' = (1 − z) ⊙ n + z ⊙ h      computed as (h − n) ⊙ z + n, as ATen does
 * </pre>
 * {@code x_*} = W_ih·x + b_ih, {@code h_*} = W_hh·h. Shapes: gates (B, 3H), states (B, H).
 */
public final class GruCellKernel {

    private static final VectorSpecies<Float> F = Vec.F;

    private GruCellKernel() {}

    /**
     * Forward. In: {@code gates} = W_hh·h (B, 3H), {@code xg} (B, 3H), {@code bhh} (3H), {@code hPrev}
     * (B, H). Out: {@code gates} the activated r, z, n; {@code hn} = W_hn·h + b_hn (B, H); {@code h}.
     */
    public static void forward(int batch, int hidden, float[] gates, int gOff, float[] xg, int xOff,
                               float[] bhh, int bOff, float[] hPrev, int hpOff, float[] hn, int hnOff,
                               float[] h, int hOff, boolean reference) {
        if (reference) {
            forwardReference(batch, hidden, gates, gOff, xg, xOff, bhh, bOff, hPrev, hpOff, hn, hnOff, h, hOff);
            return;
        }
        int g3 = 3 * hidden;
        float[] scratch = Vec.scratch(hidden);
        for (int row = 0; row < batch; row++) {
            int gr = gOff + row * g3;
            int xr = xOff + row * g3;
            int sr = row * hidden;
            Vec.add(g3, bhh, bOff, gates, gr);                                      // W_hh·h + b_hh
            System.arraycopy(gates, gr + 2 * hidden, hn, hnOff + sr, hidden);       // hn = W_hn·h + b_hn
            Vec.add(2 * hidden, xg, xr, gates, gr);
            FastMath.sigmoid(2 * hidden, gates, gr, gates, gr);                     // r, z
            int j = 0;
            for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {     // x_n + r ⊙ hn
                FloatVector.fromArray(F, gates, gr + j).mul(FloatVector.fromArray(F, hn, hnOff + sr + j))
                        .add(FloatVector.fromArray(F, xg, xr + 2 * hidden + j)).intoArray(scratch, j);
            }
            for (; j < hidden; j++) {
                scratch[j] = gates[gr + j] * hn[hnOff + sr + j] + xg[xr + 2 * hidden + j];
            }
            FastMath.tanh(hidden, scratch, 0, gates, gr + 2 * hidden);              // n
            j = 0;
            for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {     // h' = (h − n) ⊙ z + n
                FloatVector n = FloatVector.fromArray(F, gates, gr + 2 * hidden + j);
                FloatVector.fromArray(F, hPrev, hpOff + sr + j).sub(n).mul(FloatVector.fromArray(F, gates, gr + hidden + j))
                        .add(n).intoArray(h, hOff + sr + j);
            }
            for (; j < hidden; j++) {
                float n = gates[gr + 2 * hidden + j];
                h[hOff + sr + j] = (hPrev[hpOff + sr + j] - n) * gates[gr + hidden + j] + n;
            }
        }
    }

    private static void forwardReference(int batch, int hidden, float[] gates, int gOff, float[] xg, int xOff,
                                         float[] bhh, int bOff, float[] hPrev, int hpOff, float[] hn, int hnOff,
                                         float[] h, int hOff) {
        for (int row = 0; row < batch; row++) {
            int gr = gOff + row * 3 * hidden;
            int xr = xOff + row * 3 * hidden;
            int sr = row * hidden;
            for (int j = 0; j < hidden; j++) {
                int q = gr + j;
                int x = xr + j;
                int b = bOff + j;
                float r = Vec.sigmoidReference(gates[q] + bhh[b] + xg[x]);
                float z = Vec.sigmoidReference(gates[q + hidden] + bhh[b + hidden] + xg[x + hidden]);
                float hnv = gates[q + 2 * hidden] + bhh[b + 2 * hidden];
                float n = Vec.tanhReference(r * hnv + xg[x + 2 * hidden]);
                float hp = hPrev[hpOff + sr + j];
                gates[q] = r;
                gates[q + hidden] = z;
                gates[q + 2 * hidden] = n;
                hn[hnOff + sr + j] = hnv;
                h[hOff + sr + j] = (hp - n) * z + n;
            }
        }
    }

    /**
     * Backward. In: {@code act} (B, 3H) activated r, z, n; {@code hn}, {@code hPrev}, {@code dh}
     * (B, H). Out: {@code dgih} = ∂L/∂(W_ih·x + b_ih) (B, 3H); {@code dghh} = ∂L/∂(W_hh·h + b_hh)
     * (B, 3H), which differs from dgih in the n block (∂n_pre ⊙ r); {@code dhPrev} = ∂h'/∂h direct
     * part, dh ⊙ z (the caller adds dghh·W_hh).
     */
    public static void backward(int batch, int hidden, float[] act, int aOff, float[] hn, int hnOff,
                                float[] hPrev, int hpOff, float[] dh, int dhOff, float[] dgih, int diOff,
                                float[] dghh, int dhhOff, float[] dhPrev, int dpOff, boolean reference) {
        int g3 = 3 * hidden;
        for (int row = 0; row < batch; row++) {
            int ar = aOff + row * g3;
            int ir = diOff + row * g3;
            int hr = dhhOff + row * g3;
            int sr = row * hidden;
            int j = 0;
            if (!reference) {
                for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
                    FloatVector r = FloatVector.fromArray(F, act, ar + j);
                    FloatVector z = FloatVector.fromArray(F, act, ar + hidden + j);
                    FloatVector n = FloatVector.fromArray(F, act, ar + 2 * hidden + j);
                    FloatVector hnv = FloatVector.fromArray(F, hn, hnOff + sr + j);
                    FloatVector hp = FloatVector.fromArray(F, hPrev, hpOff + sr + j);
                    FloatVector d = FloatVector.fromArray(F, dh, dhOff + sr + j);
                    FloatVector dnPre = d.mul(z.neg().add(1f)).mul(n.mul(n).neg().add(1f));
                    FloatVector drPre = dnPre.mul(hnv).mul(r).mul(r.neg().add(1f));
                    FloatVector dzPre = d.mul(hp.sub(n)).mul(z).mul(z.neg().add(1f));
                    drPre.intoArray(dgih, ir + j);
                    dzPre.intoArray(dgih, ir + hidden + j);
                    dnPre.intoArray(dgih, ir + 2 * hidden + j);
                    drPre.intoArray(dghh, hr + j);
                    dzPre.intoArray(dghh, hr + hidden + j);
                    dnPre.mul(r).intoArray(dghh, hr + 2 * hidden + j);
                    d.mul(z).intoArray(dhPrev, dpOff + sr + j);
                }
            }
            for (; j < hidden; j++) {
                int a = ar + j;
                float r = act[a];
                float z = act[a + hidden];
                float n = act[a + 2 * hidden];
                float hnv = hn[hnOff + sr + j];
                float hp = hPrev[hpOff + sr + j];
                float d = dh[dhOff + sr + j];
                float dnPre = d * (1f - z) * (1f - n * n);
                float drPre = dnPre * hnv * r * (1f - r);
                float dzPre = d * (hp - n) * z * (1f - z);
                dgih[ir + j] = drPre;
                dgih[ir + hidden + j] = dzPre;
                dgih[ir + 2 * hidden + j] = dnPre;
                dghh[hr + j] = drPre;
                dghh[hr + hidden + j] = dzPre;
                dghh[hr + 2 * hidden + j] = dnPre * r;
                dhPrev[dpOff + sr + j] = d * z;
            }
        }
    }
}
