package dev.usher.core.model;

import dev.usher.core.model.World.Pool;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One step of a model-based run: what a client, an administrator or the operator does. Each reads as
 * a sentence ({@link #toString()}) and as the command a person would type to reproduce it
 * ({@link #curl()}; {@code $S} is {@code http://HOST:PORT/api/v1}, {@code $ADMIN} the admin token).
 */
public sealed interface Op {

    /** The command (or, for what only a test can do, a comment) that reproduces this step. */
    String curl();

    /** PUT a checkout in open mode: the body names the user, host and client. */
    record Checkout(String session, Pool pool, String user, String host, String client) implements Op {
        @Override
        public String curl() {
            return "curl -X PUT $S/sessions/" + session + "/checkouts/" + pool + " -H 'Content-Type: application/json' -d '"
                    + body() + "'";
        }

        public String body() {
            return "{\"user\":" + json(user) + ",\"host\":" + json(host) + ",\"client\":" + json(client) + "}";
        }

        @Override
        public String toString() {
            return "checkout " + session + " " + pool + " as " + json(user) + " from " + host;
        }
    }

    record Checkin(String session, Pool pool) implements Op {
        @Override
        public String curl() {
            return "curl -X DELETE $S/sessions/" + session + "/checkouts/" + pool;
        }

        @Override
        public String toString() {
            return "check in " + session + " " + pool;
        }
    }

    record EndSession(String session) implements Op {
        @Override
        public String curl() {
            return "curl -X DELETE $S/sessions/" + session;
        }

        @Override
        public String toString() {
            return "end session " + session;
        }
    }

    record Heartbeat(String session) implements Op {
        @Override
        public String curl() {
            return "curl -X POST $S/sessions/" + session + "/heartbeat";
        }

        @Override
        public String toString() {
            return "heartbeat " + session;
        }
    }

    /** The server's clock moves (the test's clock; on a real machine: wait). */
    record Advance(long seconds) implements Op {
        @Override
        public String curl() {
            return "sleep " + seconds + "   # the test moves the server's clock instead";
        }

        @Override
        public String toString() {
            return "clock +" + seconds + "s";
        }
    }

    /** The lease sweeper runs once (on a real server: every --sweep-interval). */
    record Sweep() implements Op {
        @Override
        public String curl() {
            return "# the lease sweeper runs (the test calls server.sweeper().sweep())";
        }

        @Override
        public String toString() {
            return "sweep";
        }
    }

    /** PUT the pool's whole rule set (with the If-Match of a GET just before). */
    record SetRules(Pool pool, List<RuleSpec> rules) implements Op {
        public String body() {
            return rules.stream().map(RuleSpec::json).collect(Collectors.joining(",", "{\"rules\":[", "]}"));
        }

        @Override
        public String curl() {
            return "curl -X PUT $S/pools/" + pool + "/rules -H \"Authorization: Bearer $ADMIN\" -H \"If-Match: $(curl -sI -H \"Authorization: Bearer $ADMIN\" $S/pools/"
                    + pool + "/rules | sed -n 's/^ETag: //Ip' | tr -d '\\r')\" -d '" + body() + "'";
        }

        @Override
        public String toString() {
            return "rules of " + pool + " := " + rules;
        }
    }

    /** Add one of the world's license files (see {@link World#LICENSES}). */
    record AddLicense(String file) implements Op {
        @Override
        public String curl() {
            return "usher license add " + file + ".lic   # " + World.LICENSES.get(file);
        }

        @Override
        public String toString() {
            return "add license " + file;
        }
    }

    record RemoveLicense(String file) implements Op {
        @Override
        public String curl() {
            return "usher license remove $(id of " + file + ".lic)";
        }

        @Override
        public String toString() {
            return "remove license " + file;
        }
    }

    record SetPolicy(Pool pool, String seatKeyPolicy, int lingerSeconds, int borrowFloor) implements Op {
        public String body() {
            return "{\"seatKeyPolicy\":\"" + seatKeyPolicy + "\",\"lingerSeconds\":" + lingerSeconds + ",\"borrowFloor\":" + borrowFloor + "}";
        }

        @Override
        public String curl() {
            return "curl -X PUT $S/pools/" + pool + "/policy -H \"Authorization: Bearer $ADMIN\" -d '" + body() + "'";
        }

        @Override
        public String toString() {
            return "policy of " + pool + " := " + seatKeyPolicy + ", linger " + lingerSeconds + "s, borrow floor " + borrowFloor;
        }
    }

    /** An administrator frees every seat the person holds in the pool (POST /seats/release). */
    record Release(String user, Pool pool) implements Op {
        public String body() {
            return "{\"user\":" + json(user) + ",\"product\":\"" + pool.product() + "\",\"feature\":\"" + pool.feature() + "\",\"reason\":\"model test\"}";
        }

        @Override
        public String curl() {
            return "curl -X POST $S/seats/release -H \"Authorization: Bearer $ADMIN\" -d '" + body() + "'";
        }

        @Override
        public String toString() {
            return "admin releases " + json(user) + " in " + pool;
        }
    }

    /** The session borrows its seat until now + seconds. */
    record Borrow(String session, Pool pool, long seconds) implements Op {
        @Override
        public String curl() {
            return "curl -X POST $S/sessions/" + session + "/checkouts/" + pool + "/borrow -d '{\"until\":\"(now + " + seconds + "s)\"}'";
        }

        @Override
        public String toString() {
            return "borrow " + session + " " + pool + " for " + seconds + "s";
        }
    }

    /** The holder gives a loan back early (open mode, no credentials). */
    record ReturnLoan(String user, Pool pool) implements Op {
        @Override
        public String curl() {
            return "curl -X DELETE $S/borrows/$(seat id of " + json(user) + "'s loan in " + pool + ")";
        }

        @Override
        public String toString() {
            return json(user) + " returns the loan in " + pool;
        }
    }

    /** An administrator takes a loan back. */
    record TakeBack(String user, Pool pool) implements Op {
        @Override
        public String curl() {
            return "curl -X DELETE -H \"Authorization: Bearer $ADMIN\" '$S/borrows/$(seat id of " + json(user) + "'s loan in " + pool
                    + ")?reason=model+test'";
        }

        @Override
        public String toString() {
            return "admin takes back " + json(user) + "'s loan in " + pool;
        }
    }

    /** The server stops cleanly, is down for a while, and starts again on the same data. */
    record Restart(long downSeconds) implements Op {
        @Override
        public String curl() {
            return "kill -TERM $(pid of usher); sleep " + downSeconds + "; usher serve ...   # the test moves the clock";
        }

        @Override
        public String toString() {
            return "restart after " + downSeconds + "s down";
        }
    }

    /** A JSON string literal. */
    static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
