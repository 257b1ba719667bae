package seqlab.cli;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static seqlab.cli.CliTest.run;

/** A tiny language model and a tiny translator, trained through the CLI, for tests that need one of each. */
record TinyModels(Path lm, Path translator) {

    static TinyModels trainIn(Path dir) {
        Path lm = dir.resolve("lm");
        CliTest.Run a = run(CliTest.tinyTrain(lm));
        assertThat(a.code()).as(a.err()).isZero();
        Path translator = dir.resolve("s2s");
        CliTest.Run b = run(Seq2SeqCliTest.tiny(translator, "bahdanau"));
        assertThat(b.code()).as(b.err()).isZero();
        return new TinyModels(lm, translator);
    }
}
