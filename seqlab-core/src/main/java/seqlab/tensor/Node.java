package seqlab.tensor;

/** One recorded op: its input tensors (parents, in order) and the backward that feeds them. */
final class Node {
    final Tensor[] inputs;
    final Runnable backward;

    Node(Tensor[] inputs, Runnable backward) {
        this.inputs = inputs;
        this.backward = backward;
    }

    /** Makes {@code out} require a gradient and records the op if any input requires one. */
    static boolean record(Tensor[] outs, Tensor[] inputs, Runnable backward) {
        boolean any = false;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                any = true;
                break;
            }
        }
        if (!any) {
            return false;
        }
        int n = 0;
        for (Tensor t : inputs) {
            if (t != null) {
                n++;
            }
        }
        Tensor[] parents = new Tensor[n];
        int i = 0;
        for (Tensor t : inputs) {
            if (t != null) {
                parents[i++] = t;
            }
        }
        Node node = new Node(parents, backward);
        for (Tensor o : outs) {
            o.requiresGrad(true);
            o.node = node;
        }
        return true;
    }
}
