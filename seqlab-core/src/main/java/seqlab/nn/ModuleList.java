package seqlab.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** PyTorch's {@code nn.ModuleList}: children named 0, 1, …, so their parameters read {@code layers.0.…}. */
public final class ModuleList<M extends Module> extends Module {

    private final List<M> items = new ArrayList<>();

    public ModuleList(List<M> modules) {
        for (M m : modules) {
            items.add(child(String.valueOf(items.size()), m));
        }
    }

    public List<M> items() {
        return Collections.unmodifiableList(items);
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }
}
