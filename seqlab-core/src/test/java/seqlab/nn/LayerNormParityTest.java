package seqlab.nn;

import org.junit.jupiter.api.Test;

import seqlab.io.Safetensors;
import seqlab.tensor.Tensor;
import seqlab.testing.Fixtures;
import seqlab.tensor.LinearOps;

/** nn.LayerNorm against PyTorch: output and the gradients of x, weight and bias. */
class LayerNormParityTest {

    @Test
    void matchesPyTorch() {
        Safetensors.File f = Fixtures.open("layernorm.safetensors");
        int[] shape = f.info("x").intShape();
        LayerNorm ln = new LayerNorm(shape[1]);
        System.arraycopy(f.floats("param.weight"), 0, ln.namedParameters().get("weight").data(), 0, shape[1]);
        System.arraycopy(f.floats("param.bias"), 0, ln.namedParameters().get("bias").data(), 0, shape[1]);
        Tensor x = Tensor.parameter(f.floats("x"), shape);
        Tensor y = ln.forward(x);
        Fixtures.assertClose("layer_norm y", f.floats("y"), y.data(), 1e-6, 1e-5);
        LinearOps.dot(y, f.floats("w")).backward();
        Fixtures.assertClose("grad x", f.floats("grad.x"), x.grad(), 1e-5, 1e-4);
        Fixtures.assertClose("grad weight", f.floats("grad.weight"), ln.namedParameters().get("weight").grad(), 1e-5, 1e-4);
        Fixtures.assertClose("grad bias", f.floats("grad.bias"), ln.namedParameters().get("bias").grad(), 1e-5, 1e-4);
    }
}
