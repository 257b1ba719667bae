package seqlab.lab;

import java.util.Optional;
import java.util.function.Consumer;

/** A measured claim: runs at a quick size (minutes on 2 cores) or at full size. */
public interface Experiment {

    /** The name {@code seqlab lab NAME} takes. */
    String name();

    /** One line for {@code seqlab lab --list}. */
    String description();

    /**
     * @param quick the small size used by tests and for a first look
     * @param log   progress lines for the user
     */
    LabResult run(boolean quick, Consumer<String> log);

    /**
     * The findings and figures computed again from the data table an earlier run of this size
     * wrote, without measuring anything: what a changed verdict rule or figure says about
     * published numbers. Empty for an experiment whose findings need more than its table holds.
     *
     * @throws IllegalArgumentException when {@code data} is not this experiment's table at this size
     */
    default Optional<LabResult> fromData(boolean quick, LabData data) {
        return Optional.empty();
    }
}
