package seqlab.lab;

import java.util.List;

/** The experiments, by name. */
public final class Lab {

    private Lab() {}

    public static List<Experiment> all() {
        return List.of(new VanishingGradients(), new LongMemory(), new Bottleneck(), new TeacherForcing(), new RnnVsLstmVsGru(),
                new AttentionCost(), new PositionalEncoding(), new ParallelVsSequential(), new TransformerVsLstmLm());
    }

    public static Experiment named(String name) {
        for (Experiment e : all()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown experiment '" + name + "'; expected one of "
                + all().stream().map(Experiment::name).toList());
    }
}
