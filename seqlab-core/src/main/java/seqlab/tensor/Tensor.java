package seqlab.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import seqlab.kernel.Vec;

/**
 * A float32 tensor: a row-major {@code float[]} and a shape, plus what autograd needs (a gradient
 * buffer, whether one is wanted, and the node of the op that made it).
 *
 * <p>Ops are coarse and fused (see {@link Ops}): each records one {@link Node} whose backward adds
 * into its inputs' gradients. {@link #backward()} walks the nodes in reverse topological order,
 * found iteratively (no recursion: a long unrolled sequence must not overflow the stack).
 */
public final class Tensor {

    private final float[] data;
    private final int[] shape;
    private float[] grad;
    private boolean requiresGrad;
    Node node;

    private Tensor(float[] data, int[] shape, boolean requiresGrad) {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("tensor data has " + data.length + " elements, shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
        this.data = data;
        this.shape = shape.clone();
        this.requiresGrad = requiresGrad;
    }

    /** A tensor over {@code data} (not copied). */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape, false);
    }

    /** A zeroed tensor over a new array of its own. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Math.toIntExact(numel(shape))], shape, false);
    }

    /** An op's output, zeroed: inside a {@link Workspace} step its array comes from the workspace. */
    static Tensor output(int... shape) {
        return new Tensor(Workspace.floats(Math.toIntExact(numel(shape))), shape, false);
    }

    /** A tensor for an op that writes every element before anything reads it (see {@link Workspace#uninitialized}). */
    static Tensor uninitialized(int... shape) {
        return new Tensor(Workspace.uninitialized(Math.toIntExact(numel(shape))), shape, false);
    }

    /** A leaf that collects a gradient (a parameter). */
    public static Tensor parameter(float[] data, int... shape) {
        return new Tensor(data, shape, true);
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large for a float[]");
        }
        return n;
    }

    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() needs one element, tensor has shape " + Arrays.toString(shape));
        }
        return data[0];
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public Tensor requiresGrad(boolean on) {
        if (node != null && !on) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor; use a fresh tensor instead");
        }
        this.requiresGrad = on;
        return this;
    }

    /**
     * The gradient, allocated on first use (an op output's inside a {@link Workspace} step from the
     * workspace; a leaf's, such as a parameter's, always its own); null for a tensor that does not
     * require one.
     */
    public float[] grad() {
        if (grad == null && requiresGrad) {
            grad = node == null ? new float[data.length] : Workspace.floats(data.length);
        }
        return grad;
    }

    /** The gradient if one was ever written, else null (no allocation). */
    public float[] gradOrNull() {
        return grad;
    }

    public void zeroGrad() {
        if (grad != null) {
            Vec.zero(grad);
        }
    }

    /** Backpropagates from this scalar: ∂this/∂this = 1. */
    public void backward() {
        if (data.length != 1) {
            throw new IllegalStateException("backward() needs a scalar, tensor has shape " + Arrays.toString(shape));
        }
        if (!requiresGrad) {
            throw new IllegalStateException("backward() on a tensor that does not require a gradient");
        }
        grad()[0] += 1f;
        for (Node n : reverseTopologicalOrder()) {
            n.backward.run();
        }
    }

    /** Nodes reachable from this tensor, each after every node that consumes its outputs. */
    private List<Node> reverseTopologicalOrder() {
        List<Node> post = new ArrayList<>();
        if (node == null) {
            return post;
        }
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {node, 0});
        seen.put(node, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node n = (Node) frame[0];
            int i = (Integer) frame[1];
            if (i < n.inputs.length) {
                frame[1] = i + 1;
                Node child = n.inputs[i].node;
                if (child != null && seen.put(child, Boolean.TRUE) == null) {
                    stack.push(new Object[] {child, 0});
                }
            } else {
                stack.pop();
                post.add(n);
            }
        }
        java.util.Collections.reverse(post);
        return post;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
