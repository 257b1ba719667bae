package seqlab.lab;

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
}
