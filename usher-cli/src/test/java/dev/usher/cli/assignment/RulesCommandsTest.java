package dev.usher.cli.assignment;

import dev.usher.cli.UsherCommand;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code usher rules show|set} and {@code usher explain} against a running server found through DATA/server.json. */
class RulesCommandsTest {

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

    private static void assertOneLineError(Result r, String... contains) {
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("usher: ").doesNotContain("\tat ").doesNotContain("Exception");
        for (String c : contains) {
            assertThat(r.err()).contains(c);
        }
    }

    private Path write(String name, String text) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @BeforeEach
    void start() {
        server = TestServer.start(tmp.resolve("data"));
        server.license("demo", "cal", 4);
        Http admin = server.admin();
        Http anon = server.client();
        for (String u : new String[] {"carl", "dan", "eve"}) {
            anon.checkout("seed-" + u, "demo", "cal", u, "h");
            anon.delete("/api/v1/sessions/seed-" + u);
        }
        long contractors = admin.post("/api/v1/roles", "{\"name\":\"Contractors\"}").json().get("id").asLong();
        long carl = admin.get("/api/v1/users?search=carl").json().get("items").get(0).get("id").asLong();
        assertThat(admin.put("/api/v1/roles/" + contractors + "/members/" + carl, "").status()).isLessThan(300);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void setFromAFileThenShowAsATableAndAsJsonThatRoundTrips() throws Exception {
        Path file = write("rules.json", "{\"rules\":[{\"kind\":\"reserve\",\"role\":\"Contractors\",\"seats\":2},"
                + "{\"kind\":\"deny\",\"user\":\"eve\"}]}");
        Result set = run("rules", "set", "demo", "cal", file.toString());
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.out()).contains("version 1").contains("reserve").contains("role Contractors").contains("user eve")
                .contains("capacity 4, reserved 2, shared 2");

        Result show = run("rules", "show", "demo", "cal");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).contains("demo/cal rules, version 1").contains("KIND").contains("deny").contains("capacity 4");

        Result json = run("rules", "show", "demo", "cal", "--json");
        assertThat(json.exitCode()).isZero();
        JsonNode body = Http.JSON.readTree(json.out());
        assertThat(body.get("rules")).hasSize(2);
        assertThat(body.get("rules").get(0).has("roleId")).isFalse();
        assertThat(body.get("rules").get(0).get("seats").asInt()).isEqualTo(2);

        // The --json output is a valid input of set, guarded by the version shown.
        Path edited = write("edited.json", json.out());
        Result again = run("rules", "set", "demo", "cal", edited.toString(), "--version", "1");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("version 2");
        assertThat(server.admin().get("/api/v1/pools/demo/cal/rules").json().get("rules")).hasSize(2);

        // A stale --version: someone saved since.
        Result stale = run("rules", "set", "demo", "cal", edited.toString(), "--version", "1");
        assertOneLineError(stale, "someone changed the rules since version 1: run usher rules show again");
    }

    @Test
    void invalidFilesAreOneLine() throws Exception {
        assertOneLineError(run("rules", "set", "demo", "cal", write("bad.json", "{\"rules\":[{\"kind\":").toString()), "not valid JSON");
        assertOneLineError(run("rules", "set", "demo", "cal",
                write("nobody.json", "{\"rules\":[{\"kind\":\"reserve\",\"role\":\"Nobody\",\"seats\":1}]}").toString()), "no role named 'Nobody'");
        assertOneLineError(run("rules", "set", "demo", "cal",
                write("big.json", "{\"rules\":[{\"kind\":\"reserve\",\"role\":\"Contractors\",\"seats\":9}]}").toString()));
        assertThat(server.admin().get("/api/v1/pools/demo/cal/rules").json().get("version").asLong()).isZero();
    }

    @Test
    void explainWouldGetHoldsAndRefused() throws Exception {
        assertThat(run("rules", "set", "demo", "cal", write("r.json", "{\"rules\":[{\"kind\":\"reserve\",\"role\":\"Contractors\",\"seats\":2},"
                + "{\"kind\":\"deny\",\"user\":\"eve\"}]}").toString()).exitCode()).isZero();

        Result wouldGet = run("explain", "carl", "demo", "cal");
        assertThat(wouldGet.exitCode()).as(wouldGet.toString()).isZero();
        assertThat(wouldGet.out()).startsWith("carl would get a seat of demo/cal from the reserve for the members of Contractors");

        assertThat(server.client().checkout("c1", "demo", "cal", "carl", "h").status()).isEqualTo(201);
        Result holds = run("explain", "carl", "demo", "cal");
        assertThat(holds.exitCode()).as(holds.toString()).isZero();
        assertThat(holds.out()).startsWith("carl holds seat ").contains(" since ").contains("(charged to the reserve for the members of Contractors)");

        Result refused = run("explain", "eve", "demo", "cal");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.out()).startsWith("eve is refused");

        assertOneLineError(run("explain", "nobody", "demo", "cal"), "no user named 'nobody'");
    }
}
