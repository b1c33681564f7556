package dev.usher.cli.report;

import dev.usher.cli.UsherCommand;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code usher audit verify|export} and {@code usher usage [right-sizing]} against a running server. */
class ReportCommandsTest {

    @TempDir
    Path tmp;

    private TestServer server;

    record Result(int exitCode, String out, String err) {}

    private Result run(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data";
        all[args.length + 1] = server.dataDir().toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UsherCommand.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeEach
    void start() {
        server = TestServer.start(tmp.resolve("data"));
        server.license("cad", "cal", 1);
        server.client().checkout("s1", "cad", "cal", "=evil()", "ws1");
        server.client().checkout("s2", "cad", "cal", "bob", "ws2"); // refused
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void verify_says_intact_then_names_the_first_broken_record() throws Exception {
        Result ok = run("audit", "verify");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).startsWith("intact: all ").contains("records are intact and in order");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("usher.db"));
             Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE audit_log SET actor = 'nobody' WHERE seq = 2")).isEqualTo(1);
        }
        Result broken = run("audit", "verify");
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err()).isEqualTo("BROKEN at record 2: record 2 was altered: its hash does not match its contents\n");
    }

    @Test
    void export_writes_json_lines_or_csv_filtered() throws Exception {
        Result jsonl = run("audit", "export", "--type", "deny");
        assertThat(jsonl.exitCode()).as(jsonl.toString()).isZero();
        assertThat(jsonl.out().lines().toList()).hasSize(1).allMatch(l -> l.contains("\"user\":\"bob\""));
        Path file = tmp.resolve("audit.csv");
        Result csv = run("audit", "export", "--format", "csv", "--type", "grant", "--out", file.toString());
        assertThat(csv.exitCode()).as(csv.toString()).isZero();
        String text = Files.readString(file);
        assertThat(text).startsWith("seq,at,kind,type,actor,").contains(",'=evil(),");
        Result bad = run("audit", "export", "--format", "xml");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("--format must be jsonl or csv");
        Result badDate = run("audit", "export", "--from", "someday");
        assertThat(badDate.err()).contains("from must be a date");
    }

    @Test
    void usage_prints_a_table_and_right_sizing_its_estimate() {
        server.clock().advance(Duration.ofMinutes(3));
        server.server().usageRecorder().tick();
        Result table = run("usage", "--step", "minute", "--product", "cad");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("cad/cal").contains("2026-06-01T12:00:00Z");
        Result rs = run("usage", "right-sizing", "cad", "cal", "--from", "2026-06-01");
        assertThat(rs.exitCode()).as(rs.toString()).isZero();
        assertThat(rs.out()).startsWith("Estimate: you own 1; the busiest minute (2026-06-01 12:00 UTC) used 1 and refused 1;"
                + " 2 would have served everyone;");
    }
}
