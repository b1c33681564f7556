package dev.usher.cli.identity;

import dev.usher.cli.UsherCommand;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code usher user stray}: a list of the people not seen for N days, and with --purge, exactly those deleted. */
class StrayCommandTest {

    @TempDir
    Path tmp;

    record Result(int exitCode, String out, String err) {}

    private static Result run(TestServer server, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data";
        all[args.length + 1] = server.dataDir().toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UsherCommand.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void listsThenPurgesThePeopleNotSeenButNeverOneHoldingASeat() {
        try (TestServer server = TestServer.start(tmp.resolve("data"))) {
            server.license("cad", "cal", 5);
            server.client().checkout("o", "cad", "cal", "olga", "ws1");
            server.client().delete("/api/v1/sessions/o");
            server.client().checkout("h", "cad", "cal", "holder", "ws2");
            server.clock().advance(Duration.ofDays(100));

            Result list = run(server, "user", "stray", "--days", "90");
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.out()).contains("olga", "1 people not seen for 90 days").doesNotContain("holder");
            assertThat(server.server().identity().users().resolve("olga")).isPresent(); // a list changes nothing

            Result purge = run(server, "user", "stray", "--days", "90", "--purge");
            assertThat(purge.exitCode()).as(purge.toString()).isZero();
            assertThat(purge.out()).contains("purged olga", "purged 1 people not seen for 90 days");
            assertThat(server.server().identity().users().resolve("olga")).isEmpty();
            assertThat(server.server().identity().users().resolve("holder")).isPresent();

            Result bad = run(server, "user", "stray", "--days", "0");
            assertThat(bad.exitCode()).isNotZero();
            assertThat(bad.err().lines().toList()).hasSize(1);
            assertThat(bad.err()).contains("days must be a number of days from 1 to 36500");
        }
    }
}
