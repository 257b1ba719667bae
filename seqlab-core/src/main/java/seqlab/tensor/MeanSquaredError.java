package seqlab.tensor;

import java.util.Arrays;

/**
 * Mean squared error, PyTorch's {@code F.mse_loss} with mean reduction: L = (1/N) Σ_n (x_n − y_n)².
 * Predictions any shape with N elements, targets N floats. Backward: ∂L/∂x_n = 2 (x_n − y_n) / N.
 */
public final class MeanSquaredError {

    private MeanSquaredError() {}

    public static Tensor mean(Tensor pred, float[] targets) {
        int n = pred.size();
        if (targets.length != n) {
            throw new IllegalArgumentException("mse_loss: " + targets.length + " targets for predictions of shape " + Arrays.toString(pred.shape()));
        }
        float[] x = pred.data();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double d = x[i] - targets[i];
            sum += d * d;
        }
        Tensor loss = Tensor.of(new float[] {(float) (sum / n)});
        Node.record(new Tensor[] {loss}, new Tensor[] {pred}, () -> {
            float[] dl = loss.gradOrNull();
            if (dl != null && pred.requiresGrad()) {
                float[] dx = pred.grad();
                for (int i = 0; i < n; i++) {
                    dx[i] += dl[0] * 2f * (x[i] - targets[i]) / n;
                }
            }
        });
        return loss;
    }
}
