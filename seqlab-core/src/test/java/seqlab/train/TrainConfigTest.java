package seqlab.train;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import seqlab.io.Json;
import seqlab.io.JsonFields;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PyTorch's optimizer defaults, the effective schedule, and the settings as a run records them. */
class TrainConfigTest {

    static TrainConfig cfg(String optimizer, float decay, String schedule, int warmup, int steps) {
        return new TrainConfig(steps, 8, 16, optimizer, 2e-3f, schedule, warmup, decay, 0f, 1f, 10, 2, 1);
    }

    /** torch.optim.AdamW(weight_decay=1e-2), Adam(weight_decay=0), SGD(weight_decay=0, momentum=0). */
    @ParameterizedTest
    @CsvSource({"adamw, 0.01", "adam, 0.0", "sgd, 0.0"})
    void weightDecayDefaultsAreTorchOptims(String optimizer, float decay) {
        assertThat(TrainConfig.defaultWeightDecay(optimizer)).isEqualTo(decay);
    }

    @Test
    void adamsBetasAndEpsAreTorchs() {
        assertThat(new double[] {TrainConfig.BETA1, TrainConfig.BETA2, TrainConfig.EPS}).containsExactly(0.9, 0.999, 1e-8);
    }

    @ParameterizedTest
    @CsvSource({"2000, 100", "1000, 100", "600, 60", "30, 3", "5, 0", "0, 0"})
    void theDefaultWarmupIsATenthOfTheRunAtMostAHundredSteps(int steps, int warmup) {
        assertThat(TrainConfig.defaultWarmup(steps)).isEqualTo(warmup);
        assertThat(cfg("adamw", 0.01f, "cosine", TrainConfig.defaultWarmup(steps), steps).effectiveWarmup()).isEqualTo(warmup);
    }

    @Test
    void aWarmupLongerThanTheRunIsCutAndRecordedAsCut() {
        TrainConfig c = cfg("adamw", 0.01f, "cosine", 100, 30);
        assertThat(c.effectiveWarmup()).isEqualTo(30);
        assertThat(c.toJson().get("warmup")).isEqualTo(30);
        assertThat(c.lrSchedule().at(29)).isEqualTo(2e-3f);                           // the whole run warms up
        assertThat(cfg("adamw", 0.01f, "constant", 100, 30).effectiveWarmup()).isZero();
    }

    @Test
    void theRecordWritesTheValuesAsGivenAndReadsThemBack() {
        TrainConfig c = new TrainConfig(600, 32, 64, "adam", 2e-3f, "cosine", 60, 0.1f, 0f, 1f, 100, 20, 7);
        String json = Json.writePretty(c.toJson());
        assertThat(json).contains("\"lr\": 0.002,").contains("\"weight_decay\": 0.1,").contains("\"betas\": [0.9, 0.999]")
                .doesNotContain("0.0020000000949949026").doesNotContain("0.10000000149011612");
        @SuppressWarnings("unchecked")
        TrainConfig back = TrainConfig.fromJson(new JsonFields((Map<String, Object>) Json.parse(json), "trainer.json"));
        assertThat(back).isEqualTo(c);
        assertThat(TrainConfig.fromJson(new JsonFields(Json.parse(Json.write(cfg("sgd", 0f, "constant", 0, 5).toJson())), "t")).toJson())
                .doesNotContainKey("betas");
    }

    @Test
    void nanoGptsSettingsRoundTripAndOlderRunsReadAsBefore() {
        TrainConfig c = new TrainConfig(2000, 12, 64, "adamw", 1e-3f, "cosine", 100, 0.1f, 0f, 1f, 250, 20, 1337, true, 0.99, 1e-4f, 4);
        String json = Json.writePretty(c.toJson());
        assertThat(json).contains("\"betas\": [0.9, 0.99]").contains("\"min_lr\": 1.0E-4").contains("\"grad_accum\": 4");
        @SuppressWarnings("unchecked")
        TrainConfig back = TrainConfig.fromJson(new JsonFields((Map<String, Object>) Json.parse(json), "trainer.json"));
        assertThat(back).isEqualTo(c);
        assertThat(back.lrSchedule().at(1999)).isCloseTo(1e-4f, org.assertj.core.data.Offset.offset(1e-9f));
        assertThat(c.describe()).contains("adamw (β 0.9, 0.99, ε 1e-8)").contains("down to 0.0001 at step 2000")
                .endsWith("; 4 micro-batches of 12 per step");
        Map<String, Object> old = new java.util.LinkedHashMap<>(c.toJson());          // a run saved before the three settings existed
        old.remove("min_lr");
        old.remove("grad_accum");
        old.put("betas", java.util.List.of(0.9, 0.999));
        TrainConfig before = TrainConfig.fromJson(new JsonFields(Json.parse(Json.write(old)), "t"));
        assertThat(before.beta2()).isEqualTo(0.999);
        assertThat(before.minLr()).isEqualTo(1e-3f / 10);
        assertThat(before.gradAccum()).isEqualTo(1);
        assertThatThrownBy(() -> new TrainConfig(10, 1, 1, "adamw", 1e-3f, "cosine", 0, 0f, 0f, 1f, 1, 1, 1, false, 0.9, 2e-3f, 1))
                .hasMessageContaining("--min-lr must be in [0, --lr 0.001], got 0.002");
    }

    @Test
    void describeStatesTheEffectiveOptimizerAndSchedule() {
        assertThat(cfg("adam", 0f, "cosine", 60, 600).describe()).isEqualTo(
                "adam (β 0.9, 0.999, ε 1e-8), weight decay 0; lr 0.002, cosine: warm-up 60 steps, then down to 0.0002 at step 600; clip 1");
        assertThat(cfg("adam", 0.01f, "constant", 0, 600).describe()).contains("weight decay 0.01 (L2, added to the gradient; ")
                .contains("lr 0.002, constant;");
        assertThat(cfg("adamw", 0.01f, "cosine", 100, 30).describe()).contains("(decoupled;").contains("warm-up 30 steps");
        assertThat(new TrainConfig(10, 8, 16, "sgd", 0.05f, "constant", 0, 0f, 0.9f, 0f, 10, 2, 1).describe())
                .startsWith("sgd (momentum 0.9), weight decay 0; lr 0.05, constant; clip off");
    }
}
