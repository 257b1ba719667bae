package seqlab.lab;

import java.util.List;

/** A figure an experiment asks for; the report layer draws it. {@code file} is its name without extension. */
public sealed interface Figure {

    String file();

    /**
     * Curves on shared axes, either of which may be logarithmic; {@code yMax} caps the y axis (NaN:
     * the data's range), so a runaway curve does not flatten the others.
     */
    record Lines(String file, String title, String xLabel, String yLabel, boolean logX, boolean logY, List<Series> series,
                 double yMax) implements Figure {

        public Lines(String file, String title, String xLabel, String yLabel, boolean logX, boolean logY, List<Series> series) {
            this(file, title, xLabel, yLabel, logX, logY, series, Double.NaN);
        }
    }

    /** Attention weights: one row per output token, one column per source token. */
    record Heat(String file, String title, List<String> sources, List<String> targets, float[][] weights) implements Figure {}
}
