package dev.usher.server.model;

import dev.usher.core.model.Invariants;
import dev.usher.core.model.Linearizer;
import dev.usher.core.model.Linearizer.Call;
import dev.usher.core.model.Lockstep;
import dev.usher.core.model.ObservedState;
import dev.usher.core.model.Op;
import dev.usher.core.model.OpGenerators;
import dev.usher.core.model.Outcome;
import dev.usher.core.model.SeatMapping;
import dev.usher.core.model.SeatModel;
import dev.usher.server.testing.TestServer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The model's runs, concurrently: several clients against two nodes on one embedded PostgreSQL. Rounds
 * alternate: between rounds the operator, an administrator or time acts (compared step by step with
 * the model, then both nodes are waited for until they show the change); in a round, three clients
 * send their calls at once, half to each node, while a watcher checks the invariants on every state
 * it can see. After a round every answer must be one the model gives for some order of the calls
 * consistent with real time, ending in the state the servers show ({@link Linearizer}).
 *
 * <p>Not shrunk: a concurrent failure does not replay. The failure message has the round's calls with
 * their times, the state before it and what the servers showed after it.
 */
class ConcurrentClientsAgreeWithModelTest {

    private static final int CLIENTS = 3;

    record Round(List<Op> between, List<List<Op>> clients) {
    }

    @Property(tries = 3, seed = "16004", shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void everyAnswerOfTwoNodesIsOneTheModelGivesInSomeOrder(@ForAll("rounds") List<Round> rounds) throws Exception {
        Path dir = Files.createTempDirectory("usher-model-cluster-");
        TestServer a = TestServer.startOnPostgres(dir.resolve("node-a"), c -> c);
        TestServer b = null;
        try {
            HttpSystem first = HttpSystem.setUp(a);
            b = a.join(dir.resolve("node-b"));
            a.vendor().trustIn(b.dataDir());
            List<TestServer> nodes = List.of(a, b);
            HttpSystem nodeA = HttpSystem.node(a, first, nodes, "node A");
            HttpSystem nodeB = HttpSystem.node(b, first, nodes, "node B");
            awaitConverged(a, b);
            new Run(nodeA, nodeB).play(rounds);
        } finally {
            if (b != null) {
                b.close();
            }
            a.close();
            deleteTree(dir);
        }
    }

    @Provide
    Arbitrary<List<Round>> rounds() {
        Arbitrary<List<Op>> between = OpGenerators.betweenRounds().list().ofMinSize(0).ofMaxSize(3);
        Arbitrary<List<List<Op>>> clients = OpGenerators.clientOp().list().ofMinSize(2).ofMaxSize(5).list().ofSize(CLIENTS);
        return Combinators.combine(between, clients).as(Round::new).list().ofMinSize(4).ofMaxSize(6);
    }

    /** One installation played round by round against one model. */
    private static final class Run {
        private final HttpSystem nodeA;
        private final HttpSystem nodeB;
        private SeatModel model = new SeatModel();
        private SeatMapping seats = new SeatMapping();
        private final Invariants invariants;
        private final List<String> history = new ArrayList<>();

        Run(HttpSystem nodeA, HttpSystem nodeB) {
            this.nodeA = nodeA;
            this.nodeB = nodeB;
            this.invariants = new Invariants(nodeA.observe());
        }

        void play(List<Round> rounds) throws InterruptedException {
            history.add("set-up: " + Lockstep.setUp() + "; node A and node B share the database and the clock");
            for (int r = 0; r < rounds.size(); r++) {
                Round round = rounds.get(r);
                for (Op op : round.between()) {
                    between(op);
                }
                concurrently(r + 1, round.clients());
            }
        }

        private void between(Op op) {
            ObservedState before = model.observe();
            Outcome expected = model.apply(op);
            Outcome actual = nodeA.apply(op);
            history.add("node A: " + op.curl() + "\n      model: " + expected + "\n      node A: " + actual);
            String d = seats.compare(expected, actual);
            if (d != null && Disagreements.ALL.stream().noneMatch(k -> k.matches(op, before, expected, actual))) {
                throw fail("answers differ: " + d);
            }
            awaitConverged(nodeA.server(), nodeB.server());
            ObservedState seen = nodeA.observe();
            String s = seats.compare(model.observe(), seen);
            if (s != null) {
                throw fail("states differ: " + s);
            }
            List<String> v = invariants.checkQuiescent(seen);
            if (!v.isEmpty()) {
                throw fail("invariants broken: " + v);
            }
        }

        private void concurrently(int round, List<List<Op>> generated) throws InterruptedException {
            // Steps that would show a disagreement already reported (Disagreements) are left out, as in the lockstep test.
            ObservedState start0 = model.observe();
            List<List<Op>> clients = generated.stream()
                    .map(ops -> ops.stream().filter(op -> Disagreements.ALL.stream().noneMatch(k -> k.avoids(op, start0))).toList()).toList();
            Queue<Call> calls = new ConcurrentLinkedQueue<>();
            Queue<String> violations = new ConcurrentLinkedQueue<>();
            Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean running = new AtomicBoolean(true);
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                int client = i;
                HttpSystem node = i % 2 == 0 ? nodeA : nodeB;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                        for (Op op : clients.get(client)) {
                            long sent = System.nanoTime();
                            Outcome o = node.apply(op);
                            calls.add(new Call(client, op, sent, System.nanoTime(), o));
                            violations.addAll(Invariants.checkAnswer(o));
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            Thread watcher = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    violations.addAll(invariants.checkConcurrent(nodeB.observe()));
                }
            });
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            running.set(false);
            watcher.join();
            List<Call> ordered = new ArrayList<>(calls);
            ordered.sort((x, y) -> Long.compare(x.sent(), y.sent()));
            history.add("round " + round + " (three clients at once; node A for clients 0 and 2, node B for client 1):");
            for (Call c : ordered) {
                history.add(String.format("  [%6.1f-%6.1f ms] %s", (c.sent() - start) / 1e6, (c.answered() - start) / 1e6, c));
            }
            if (!errors.isEmpty()) {
                throw fail("a client failed: " + errors.peek());
            }
            ObservedState seen = nodeA.observe();
            violations.addAll(invariants.checkQuiescent(seen));
            if (!violations.isEmpty()) {
                throw fail("invariants broken: " + List.copyOf(violations));
            }
            Linearizer.Order order = Linearizer.find(model, seats, ordered, seen, Disagreements.ALL);
            if (order == null) {
                throw fail("no order of round " + round + "'s calls gives these answers and this state in the model; servers then: "
                        + seen.seats() + "; model before the round: " + model.observe().seats());
            }
            model = order.model();
            seats = order.mapping();
        }

        private AssertionError fail(String why) {
            return new AssertionError("Two nodes and the reference model disagree: " + why + "\n" + String.join("\n", history));
        }
    }

    /**
     * Waits until node B shows what node A shows (licenses, pools, rules, roles, people): "changes reach
     * every node within a second" (README), so 5 seconds is a generous deadline.
     */
    static void awaitConverged(TestServer a, TestServer b) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!view(a).equals(view(b))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node B still shows " + view(b) + " 5 s after node A showed " + view(a));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static List<String> view(TestServer s) {
        List<String> v = new ArrayList<>();
        for (JsonNode p : s.admin().get("/api/v1/pools").json()) {
            v.add(p.get("product").asString() + "/" + p.get("feature").asString() + " " + p.get("capacity").asInt() + " "
                    + p.get("seatKeyPolicy").asString() + " " + p.get("lingerSeconds").asInt() + " " + p.get("inUse").asInt());
        }
        for (String feature : List.of("cal", "cad")) {
            JsonNode r = s.admin().get("/api/v1/pools/demo/" + feature + "/rules").json();
            v.add(feature + " rules " + (r == null || r.get("rules") == null ? "none" : r.get("rules").toString()));
            JsonNode p = s.admin().get("/api/v1/pools/demo/" + feature + "/policy").json();
            v.add(feature + " policy " + (p == null ? "none" : p.toString()));
        }
        v.add(s.admin().get("/api/v1/roles").json().toString());
        v.add(s.admin().get("/api/v1/users").json().get("items").toString().replaceAll("\"lastSeenAt\":\"[^\"]*\"", ""));
        Collections.sort(v);
        return v;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
