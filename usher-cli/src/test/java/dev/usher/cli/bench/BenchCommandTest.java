package dev.usher.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
import dev.usher.cli.UsherCommand;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** Argument checks: all of them happen before the bench sends a single request. */
class BenchCommandTest {

    record Result(int exitCode, String out, String err) {}

    private static Result usher(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UsherCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static BenchCommand.Settings settings(String... args) {
        BenchCommand cmd = new BenchCommand();
        new CommandLine(cmd).parseArgs(args);
        cmd.options.env = new Environment(Map.of());
        return cmd.settings();
    }

    @Test
    void defaultsAreTheIssuesScenarioAndFinishWellUnderTwoMinutes() {
        BenchCommand cmd = new BenchCommand();
        new CommandLine(cmd).parseArgs();
        cmd.options.env = new Environment(Map.of());
        BenchCommand.Settings s = cmd.settings();
        assertThat(s.phases()).isEqualTo(EnumSet.allOf(BenchCommand.Phase.class));
        assertThat(cmd.sessions).isEqualTo(10_000);
        assertThat(cmd.options.connections).isEqualTo(64);
        assertThat(cmd.options.target().url().toString()).isEqualTo("http://127.0.0.1:9780");
        // three timed phases; creating and ending the sessions come on top
        assertThat(s.warmup().plus(s.duration()).multipliedBy(3)).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void phasesDurationsAndCountsAreChecked() {
        assertThat(settings("--phases", "heartbeats,baseline").phases())
                .containsExactly(BenchCommand.Phase.BASELINE, BenchCommand.Phase.HEARTBEATS);
        assertThat(settings("--duration", "1500ms").duration()).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> settings("--phases", "baseline,warp")).isInstanceOf(CliException.class)
                .hasMessageContaining("unknown phase 'warp'");
        assertThatThrownBy(() -> settings("--duration", "0s")).hasMessageContaining("--duration must be between");
        assertThatThrownBy(() -> settings("--duration", "11m")).hasMessageContaining("--duration must be between");
        assertThatThrownBy(() -> settings("--warmup", "soon")).hasMessageContaining("--warmup must be a duration");
        assertThatThrownBy(() -> settings("--connections", "0")).hasMessageContaining("--connections");
        assertThatThrownBy(() -> settings("--sessions", "0")).hasMessageContaining("--sessions");
        assertThatThrownBy(() -> settings("--users", "0")).hasMessageContaining("--users");
        assertThatThrownBy(() -> settings("--timeout", "1ms")).hasMessageContaining("--timeout");
        assertThatThrownBy(() -> settings("--product", "")).hasMessageContaining("--product");
    }

    @Test
    void aLicenseNeedsTheAdminToken() {
        assertThatThrownBy(() -> settings("--license", "bench.lic")).hasMessageContaining("--license needs the admin token");
        assertThat(settings("--license", "bench.lic", "--token", "t")).isNotNull();
    }

    @Test
    void refusesToLoadAnotherMachine() {
        Result r = usher("bench", "--url", "http://10.0.0.1:9780");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("usher: --url must point at this machine");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void saysSoWhenNoServerAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there now
        }
        Result r = usher("bench", "--url", "http://127.0.0.1:" + port, "--duration", "1s");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no Usher server answers at http://127.0.0.1:" + port);

        Result hold = usher("bench", "hold", "--url", "http://127.0.0.1:" + port, "--sessions", "10");
        assertThat(hold.exitCode()).isEqualTo(1);
        assertThat(hold.err()).contains("no Usher server answers");
    }

    @Test
    void holdChecksItsArgumentsToo() {
        assertThat(usher("bench", "hold", "--duration", "0s").err()).contains("--duration must be between");
        assertThat(usher("bench", "hold", "--sessions", "2000000").err()).contains("--sessions must be between");
        assertThat(usher("bench", "hold", "--heartbeat-interval", "1ms").err()).contains("--heartbeat-interval");
        assertThat(usher("bench", "hold", "--full-gc").err()).contains("--full-gc needs --server-pid");
    }

    @Test
    void helpListsTheOptionsAndTheHoldMode() {
        Result r = usher("bench", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--connections", "--sessions", "--duration", "--warmup", "--license", "--server-pid",
                "--json", "hold");
    }
}
