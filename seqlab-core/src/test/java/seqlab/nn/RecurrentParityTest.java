package seqlab.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seqlab.io.Safetensors;
import seqlab.nn.recurrent.Recurrent;
import seqlab.nn.recurrent.RecurrentConfig;
import seqlab.nn.recurrent.RecurrentLayers;
import seqlab.tensor.CellType;
import seqlab.tensor.Rng;
import seqlab.tensor.Tensor;
import seqlab.testing.Fixtures;
import seqlab.tensor.LinearOps;
import seqlab.tensor.PointwiseOps;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RNN, LSTM and GRU layers against PyTorch: outputs, final states and every gradient (parameters,
 * input, initial states), for 1 and 2 layers, bidirectional, batch-first, with initial states.
 */
class RecurrentParityTest {

    static final double FWD_ATOL = 1e-6;
    static final double FWD_RTOL = 1e-5;
    static final double GRAD_ATOL = 1e-5;
    static final double GRAD_RTOL = 1e-4;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "rnn_tanh_l1", "rnn_tanh_l2_state", "rnn_tanh_bi2_state",
            "rnn_relu_l1", "rnn_relu_l2_state", "rnn_relu_bi2_state",
            "lstm_l1", "lstm_l2_state", "lstm_bi2_state",
            "gru_l1", "gru_l2_state", "gru_bi2_state",
            "rnn_tanh_bi2_packed", "rnn_relu_bi2_packed", "lstm_bi2_packed", "gru_bi2_packed"})
    void matchesPyTorch(String name) {
        check(name);
    }

    /** The reference loops (Kernels.useReference) must match PyTorch as well: they are the truth the fast path is tested against. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rnn_tanh_bi2_state", "rnn_relu_l2_state", "lstm_bi2_state", "gru_bi2_state", "lstm_bi2_packed",
            "gru_bi2_packed"})
    void referenceKernelsMatchPyTorch(String name) {
        seqlab.kernel.Kernels.useReference(true);
        try {
            check(name);
        } finally {
            seqlab.kernel.Kernels.useReference(false);
        }
    }

    private static void check(String name) {
        Safetensors.File f = Fixtures.open("recurrent_" + name + ".safetensors");
        Map<String, String> meta = f.metadata();
        RecurrentConfig config = new RecurrentConfig(CellType.fromId(meta.get("cell")),
                Integer.parseInt(meta.get("input_size")), Integer.parseInt(meta.get("hidden_size")),
                Integer.parseInt(meta.get("num_layers")), true, Boolean.parseBoolean(meta.get("batch_first")),
                0f, Boolean.parseBoolean(meta.get("bidirectional")));
        Recurrent layer = RecurrentLayers.create(config, new Rng(1));
        // the parameter names and their order are PyTorch's
        assertThat(new ArrayList<>(layer.namedParameters().keySet())).containsExactly(meta.get("param_names").split(","));
        for (Map.Entry<String, Parameter> e : layer.namedParameters().entrySet()) {
            assertThat(e.getValue().shape()).as(e.getKey()).isEqualTo(f.info("param." + e.getKey()).intShape());
            float[] src = f.floats("param." + e.getKey());
            System.arraycopy(src, 0, e.getValue().data(), 0, src.length);
        }
        Tensor x = Tensor.parameter(f.floats("x"), f.info("x").intShape());
        Tensor h0 = f.tensors().containsKey("h0") ? Tensor.parameter(f.floats("h0"), f.info("h0").intShape()) : null;
        Tensor c0 = f.tensors().containsKey("c0") ? Tensor.parameter(f.floats("c0"), f.info("c0").intShape()) : null;

        int[] lengths = f.tensors().containsKey("lengths") ? Fixtures.ints(f.longs("lengths")) : null;
        Recurrent.Output out = layer.forward(x, h0, c0, lengths, new Rng(0));
        float[] expectedOut = f.floats("out");
        if (lengths != null) {                    // padded positions: PyTorch has zeros, seqlab the carried state
            expectedOut = expectedOut.clone();
            float[] w = f.floats("w_out");
            float[] got = out.output().data();
            for (int i = 0; i < w.length; i++) {
                if (w[i] == 0f) {
                    expectedOut[i] = got[i];
                }
            }
        }
        Fixtures.assertClose(name + " output", expectedOut, out.output().data(), FWD_ATOL, FWD_RTOL);
        assertThat(out.output().shape()).isEqualTo(f.info("out").intShape());
        Fixtures.assertClose(name + " h_n", f.floats("h_n"), out.h().data(), FWD_ATOL, FWD_RTOL);
        Tensor loss = PointwiseOps.add(LinearOps.dot(out.output(), f.floats("w_out")), LinearOps.dot(out.h(), f.floats("w_h")));
        if (out.c() != null) {
            Fixtures.assertClose(name + " c_n", f.floats("c_n"), out.c().data(), FWD_ATOL, FWD_RTOL);
            loss = PointwiseOps.add(loss, LinearOps.dot(out.c(), f.floats("w_c")));
        }
        loss.backward();
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : layer.namedParameters().entrySet()) {
            Fixtures.assertClose(name + " grad " + e.getKey(), f.floats("grad." + e.getKey()), e.getValue().grad(), GRAD_ATOL, GRAD_RTOL);
            checked.add(e.getKey());
        }
        Fixtures.assertClose(name + " grad x", f.floats("grad.x"), x.grad(), GRAD_ATOL, GRAD_RTOL);
        if (h0 != null) {
            Fixtures.assertClose(name + " grad h0", f.floats("grad.h0"), h0.grad(), GRAD_ATOL, GRAD_RTOL);
        }
        if (c0 != null) {
            Fixtures.assertClose(name + " grad c0", f.floats("grad.c0"), c0.grad(), GRAD_ATOL, GRAD_RTOL);
        }
        assertThat(checked).hasSize(layer.namedParameters().size());
    }
}
