package dev.usher.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usher.cli.common.CliException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void loopbackUrlsAreAccepted() {
        Target t = Target.parse("http://127.0.0.1:9790");
        assertThat(t.address().getPort()).isEqualTo(9790);
        assertThat(t.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(t.url().toString()).isEqualTo("http://127.0.0.1:9790");

        assertThat(Target.parse("http://localhost:9790/").address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(Target.parse("http://[::1]:9790").url().toString()).isEqualTo("http://[0:0:0:0:0:0:0:1]:9790");
        assertThat(Target.parse("http://127.0.0.1").address().getPort()).isEqualTo(Target.DEFAULT_PORT);
    }

    @Test
    void anythingButThisMachineIsRefused() {
        assertThatThrownBy(() -> Target.parse("http://10.1.2.3:9780"))
                .isInstanceOf(CliException.class).hasMessageContaining("must point at this machine");
        assertThatThrownBy(() -> Target.parse("http://8.8.8.8"))
                .isInstanceOf(CliException.class).hasMessageContaining("must point at this machine");
    }

    @Test
    void onlyThePlainRootOfAnHttpServerIsAccepted() {
        assertThatThrownBy(() -> Target.parse("https://127.0.0.1:9780"))
                .isInstanceOf(CliException.class).hasMessageContaining("plain http://");
        assertThatThrownBy(() -> Target.parse("127.0.0.1:9780")).isInstanceOf(CliException.class);
        assertThatThrownBy(() -> Target.parse("http://127.0.0.1:9780/api/v1"))
                .isInstanceOf(CliException.class).hasMessageContaining("root");
        assertThatThrownBy(() -> Target.parse("http://127.0.0.1:9780/?x=1")).isInstanceOf(CliException.class);
        assertThatThrownBy(() -> Target.parse("http://u:p@127.0.0.1:9780")).isInstanceOf(CliException.class);
        assertThatThrownBy(() -> Target.parse("http://127.0.0.1:9780 x")).isInstanceOf(CliException.class);
    }

    @Test
    void durationsReadLikePeopleWriteThem() {
        assertThat(Target.parseDuration("--d", "10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Target.parseDuration("--d", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Target.parseDuration("--d", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Target.parseDuration("--d", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Target.parseDuration("--d", " 7 ")).isEqualTo(Duration.ofSeconds(7));
        assertThat(Target.parseDuration("--d", "PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Target.parseDuration("--d", "pt5s")).isEqualTo(Duration.ofSeconds(5));
        for (String bad : new String[] {"", "abc", "-1s", "10 s", "1.5s", "10sec"}) {
            assertThatThrownBy(() -> Target.parseDuration("--duration", bad)).as(bad)
                    .isInstanceOf(CliException.class).hasMessageContaining("--duration must be a duration");
        }
    }

    @Test
    void boundsAreCheckedWithTheOptionName() {
        assertThat(Target.requireBetween("--x", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5)))
                .isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> Target.requireBetween("--duration", Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(10)))
                .isInstanceOf(CliException.class).hasMessage("--duration must be between 1s and 10m (got 0s)");
        assertThatThrownBy(() -> Target.requireBetween("--connections", 0, 1, 1024))
                .isInstanceOf(CliException.class).hasMessage("--connections must be between 1 and 1024 (got 0)");
        assertThat(Target.requireBetween("--connections", 1024, 1, 1024)).isEqualTo(1024);
    }

    @Test
    void productsAndFeaturesBecomeOnePathSegment() {
        assertThat(Target.segment("--product", "demo")).isEqualTo("demo");
        assertThat(Target.segment("--product", "a b/c")).isEqualTo("a%20b%2Fc");
        assertThatThrownBy(() -> Target.segment("--feature", " ")).isInstanceOf(CliException.class);
    }
}
