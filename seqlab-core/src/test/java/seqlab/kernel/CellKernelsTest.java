package seqlab.kernel;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every fused kernel against its reference loop, on sizes that hit vector tails. */
class CellKernelsTest {

    private static final double ATOL = 2e-6;
    private static final double RTOL = 2e-5;

    @ParameterizedTest(name = "B={0} H={1}")
    @CsvSource({"0,5", "1,1", "1,16", "3,7", "2,17", "4,33", "5,64", "2,100"})
    void lstm(int b, int h) {
        SplittableRandom rnd = new SplittableRandom(b * 100 + h);
        float[] gates = KernelTesting.random(rnd, b * 4 * h, 3f);
        float[] xg = KernelTesting.random(rnd, b * 4 * h, 3f);
        float[] bhh = KernelTesting.random(rnd, 4 * h, 1f);
        float[] cPrev = KernelTesting.random(rnd, b * h, 2f);
        float[][] outs = new float[2][];
        float[][] grads = new float[2][];
        for (int ref = 0; ref < 2; ref++) {
            float[] g = gates.clone();
            float[] c = new float[b * h];
            float[] tc = new float[b * h];
            float[] hh = new float[b * h];
            LstmCellKernel.forward(b, h, g, 0, xg, 0, bhh, 0, cPrev, 0, c, 0, tc, 0, hh, 0, ref == 1);
            outs[ref] = concat(g, c, tc, hh);
            float[] dh = KernelTesting.random(new SplittableRandom(5), b * h, 1f);
            float[] dc = KernelTesting.random(new SplittableRandom(6), b * h, 1f);
            float[] dg = new float[b * 4 * h];
            LstmCellKernel.backward(b, h, g, 0, cPrev, 0, tc, 0, dh, 0, dc, 0, dg, 0, ref == 1);
            grads[ref] = concat(dg, dc);
        }
        KernelTesting.assertClose("lstm forward", outs[1], outs[0], ATOL, RTOL);
        KernelTesting.assertClose("lstm backward", grads[1], grads[0], ATOL, RTOL);
    }

    @ParameterizedTest(name = "B={0} H={1}")
    @CsvSource({"0,5", "1,1", "1,16", "3,7", "2,17", "4,33", "5,64", "2,100"})
    void gru(int b, int h) {
        SplittableRandom rnd = new SplittableRandom(b * 100 + h);
        float[] gates = KernelTesting.random(rnd, b * 3 * h, 3f);
        float[] xg = KernelTesting.random(rnd, b * 3 * h, 3f);
        float[] bhh = KernelTesting.random(rnd, 3 * h, 1f);
        float[] hPrev = KernelTesting.random(rnd, b * h, 1f);
        float[][] outs = new float[2][];
        float[][] grads = new float[2][];
        for (int ref = 0; ref < 2; ref++) {
            float[] g = gates.clone();
            float[] hn = new float[b * h];
            float[] hh = new float[b * h];
            GruCellKernel.forward(b, h, g, 0, xg, 0, bhh, 0, hPrev, 0, hn, 0, hh, 0, ref == 1);
            outs[ref] = concat(g, hn, hh);
            float[] dh = KernelTesting.random(new SplittableRandom(5), b * h, 1f);
            float[] dgi = new float[b * 3 * h];
            float[] dgh = new float[b * 3 * h];
            float[] dhp = new float[b * h];
            GruCellKernel.backward(b, h, g, 0, hn, 0, hPrev, 0, dh, 0, dgi, 0, dgh, 0, dhp, 0, ref == 1);
            grads[ref] = concat(dgi, dgh, dhp);
        }
        KernelTesting.assertClose("gru forward", outs[1], outs[0], ATOL, RTOL);
        KernelTesting.assertClose("gru backward", grads[1], grads[0], ATOL, RTOL);
    }

    @ParameterizedTest(name = "B={0} H={1} relu={2}")
    @CsvSource({"0,5,false", "1,1,false", "3,7,true", "2,17,false", "4,33,true", "5,64,false", "2,100,true"})
    void rnn(int b, int h, boolean relu) {
        SplittableRandom rnd = new SplittableRandom(b * 100 + h);
        float[] pre = KernelTesting.random(rnd, b * h, 3f);
        float[] xg = KernelTesting.random(rnd, b * h, 3f);
        float[] bhh = KernelTesting.random(rnd, h, 1f);
        float[] dh = KernelTesting.random(rnd, b * h, 1f);
        float[][] outs = new float[2][];
        for (int ref = 0; ref < 2; ref++) {
            float[] hh = new float[b * h];
            RnnCellKernel.forward(b, h, relu, pre.clone(), 0, xg, 0, bhh, 0, hh, 0, ref == 1);   // pre is overwritten
            float[] dp = new float[b * h];
            RnnCellKernel.backward(b, h, relu, hh, 0, dh, 0, dp, 0, ref == 1);
            outs[ref] = concat(hh, dp);
        }
        KernelTesting.assertClose("rnn", outs[1], outs[0], ATOL, RTOL);
    }

    @ParameterizedTest(name = "rows={0} n={1}")
    @CsvSource({"0,3", "1,1", "2,7", "3,16", "2,65", "4,1000"})
    void softmaxAndLogSoftmax(int rows, int n) {
        SplittableRandom rnd = new SplittableRandom(rows * 7 + n);
        float[] x = KernelTesting.random(rnd, rows * n, 10f);
        if (x.length > 0) {
            x[0] = 1e4f;                               // large logits never overflow
        }
        float[][] out = new float[4][rows * n];
        Softmax.softmax(rows, n, x, 0, out[0], 0, false);
        Softmax.softmax(rows, n, x, 0, out[1], 0, true);
        Softmax.logSoftmax(rows, n, x, 0, out[2], 0, false);
        Softmax.logSoftmax(rows, n, x, 0, out[3], 0, true);
        KernelTesting.assertClose("softmax", out[1], out[0], 1e-7, 1e-5);
        KernelTesting.assertClose("log_softmax", out[3], out[2], 1e-5, 1e-5);
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += out[0][r * n + j];
            }
            org.assertj.core.api.Assertions.assertThat(s).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
