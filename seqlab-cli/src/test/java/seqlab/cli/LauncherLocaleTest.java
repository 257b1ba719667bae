package seqlab.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's {@code bin/utf8-locale} under the C and POSIX locales: the JVM then reads a
 * non-ASCII argument as UTF-8 ("héllo" is GPT-2's 71 2634 18798; read as ASCII it would not be).
 * The JVM is started as ./seqlab starts it, after sourcing the file, by bash.
 */
class LauncherLocaleTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"LANG=C", "LC_ALL=C", "LC_ALL=POSIX LANG=C.UTF-8", "LC_CTYPE=POSIX", "", "LANG=C.UTF-8"})
    void aCOrPosixLocaleStillReadsArgumentsAsUtf8(String environment) throws Exception {
        assertThat(tokenize(". ../bin/utf8-locale && ", environment)).isEqualTo("71 2634 18798\n");
    }

    /** Without the file, the same JVM under LANG=C reads the argument's two bytes of é as two unknown characters. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"LANG=C", "LC_ALL=POSIX"})
    void withoutItTheJvmReadsArgumentsAsAscii(String environment) throws Exception {
        assertThat(tokenize("", environment)).isNotEqualTo("71 2634 18798\n");
    }

    /** The ids `seqlab tokenize --tokenizer gpt2-bpe --text héllo` prints when bash runs {@code before} and then the JVM. */
    private static String tokenize(String before, String environment) throws Exception {
        Path gpt2 = Path.of("..", "..", "shared", "data", "gpt2-bpe");
        Assumptions.assumeTrue(Files.isDirectory(gpt2), "../shared/data/gpt2-bpe is absent: skipped");
        // the text's bytes are made by bash's printf, so this JVM's own locale does not matter
        String script = before + "exec \"$0\" --add-modules jdk.incubator.vector -cp \"$1\" seqlab.cli.Main tokenize "
                + "--tokenizer \"$2\" --text \"$(printf 'h\\303\\251llo')\"";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), gpt2.toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
        for (String setting : environment.split(" ")) {
            if (!setting.isEmpty()) {
                env.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
            }
        }
        Process p = pb.start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);                  // a few lines of output: the pipes cannot fill
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended).as("the JVM ended within 60 s").isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isZero();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
