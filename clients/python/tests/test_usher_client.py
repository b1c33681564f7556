"""Tests of usher_client.py.

The live tests need a real Usher server: usher-client's PythonClientTest starts one (``./mvnw verify``)
and sets USHER_TEST_URL (open mode, product ``demo`` with 2 ``cal`` seats), USHER_TEST_ADMIN_TOKEN and
USHER_TEST_NOW (the server's clock, which stands still). Without them only the offline tests run.
The scenarios both clients share (force release, lapse, restart, failover, ...) are in
ClientConformanceTest, which drives this client through conformance_driver.py.
"""

import base64
import json
import os
import socket
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import usher_client  # noqa: E402
from usher_client import UsherClient  # noqa: E402

URL = os.environ.get("USHER_TEST_URL")
ADMIN_TOKEN = os.environ.get("USHER_TEST_ADMIN_TOKEN")
SERVER_NOW = usher_client._parse_instant(os.environ.get("USHER_TEST_NOW"))


def dead_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return "http://127.0.0.1:%d" % port


def admin(method, path):
    req = urllib.request.Request(URL + path, method=method, headers={"Authorization": "Bearer " + ADMIN_TOKEN})
    with urllib.request.urlopen(req, timeout=15) as r:
        body = r.read().decode("utf-8")
        return json.loads(body) if body else None


class OfflineTest(unittest.TestCase):

    def test_session_ids_are_the_host_and_random_hex_in_the_allowed_characters(self):
        sid = usher_client._new_session_id("my laptop (2)")
        self.assertRegex(sid, r"^my_laptop__2_-[0-9a-f]{16}$")
        self.assertRegex(usher_client._new_session_id(""), r"^client-[0-9a-f]{16}$")
        self.assertLessEqual(len(usher_client._new_session_id("h" * 300)), 128)
        with self.assertRaises(ValueError):
            UsherClient("http://x", "demo", session_id="no spaces")

    def test_back_off_doubles_from_a_quarter_second_up_to_one_heartbeat_interval(self):
        c = UsherClient("http://127.0.0.1:1", "demo", user="u", host="h")
        c.heartbeat_seconds = 4
        for failures, top in ((1, 0.25), (2, 0.5), (3, 1.0), (4, 2.0), (5, 4.0), (9, 4.0)):
            for _ in range(20):
                d = c._backoff(failures)
                self.assertGreaterEqual(d, top / 2)
                self.assertLessEqual(d, top)

    def test_a_server_error_fails_over_except_server_not_licensed(self):
        self.assertTrue(usher_client._definitive(409, "{}"))
        self.assertFalse(usher_client._definitive(503, '{"type":"urn:usher:problem:store-unavailable"}'))
        self.assertFalse(usher_client._definitive(502, "<html>bad gateway</html>"))
        self.assertTrue(usher_client._definitive(503, '{"type":"urn:usher:problem:server-not-licensed"}'))

    def test_problems_become_typed_errors_with_the_servers_sentence(self):
        e = usher_client._problem_error(409, json.dumps({"type": "urn:usher:problem:no-seats-available", "detail": "All 5 in use.",
                                                          "capacity": 5, "inUse": 5}))
        self.assertIsInstance(e, usher_client.NoSeatsAvailable)
        self.assertEqual((e.type, e.status, str(e), e.capacity, e.in_use), ("no-seats-available", 409, "All 5 in use.", 5, 5))
        self.assertIsInstance(usher_client._problem_error(403, '{"type":"urn:usher:problem:not-entitled","detail":"x"}'),
                              usher_client.NotEntitled)
        self.assertIsInstance(usher_client._problem_error(404, '{"type":"urn:usher:problem:unknown-pool","detail":"x"}'),
                              usher_client.UnknownProduct)
        plain = usher_client._problem_error(502, "not json")
        self.assertEqual((plain.type, str(plain)), ("http-502", "the license server answered with status 502"))

    def test_no_server_answering_is_one_sentence(self):
        url = dead_url()
        c = UsherClient([url], "demo", user="u", host="h", request_timeout=2)
        with self.assertRaises(usher_client.UsherError) as ctx:
            c.checkout("cal")
        self.assertEqual(ctx.exception.type, "server-unreachable")
        self.assertEqual(ctx.exception.status, 0)
        self.assertIn("No license server answers (tried %s)" % url, str(ctx.exception))

    def test_without_the_cryptography_package_it_says_it_cannot_verify_offline(self):
        real = usher_client._ed25519
        usher_client._ed25519 = lambda: None
        try:
            self.assertFalse(usher_client.can_verify_offline())
            with self.assertRaises(usher_client.OfflineVerificationUnavailable) as ctx:
                usher_client.verify_borrow_token("abc.def", "AAAA")
            self.assertIn("no Ed25519 signatures (install the 'cryptography' package", str(ctx.exception))
            # Borrowing says so before asking any server (this one would not answer).
            c = UsherClient([dead_url()], "demo", user="u", host="h")
            with self.assertRaises(usher_client.OfflineVerificationUnavailable):
                c.borrow("cal", 3600)
        finally:
            usher_client._ed25519 = real
        self.assertTrue(usher_client.can_verify_offline())

    def test_a_token_that_is_not_one_is_refused_in_a_sentence(self):
        for bad in (None, "", "nodot", "a.b.c", ".sig", "x" * 9000):
            with self.assertRaises(usher_client.InvalidBorrowToken):
                usher_client.verify_borrow_token(bad, "AAAA")

    def test_instants_are_read_as_the_server_writes_them(self):
        self.assertEqual(usher_client._parse_instant("2026-06-01T12:00:00Z"), 1780315200)
        self.assertEqual(usher_client._parse_instant("2026-06-01T12:00:00.250Z"), 1780315200.25)
        self.assertIsNone(usher_client._parse_instant("yesterday"))
        self.assertEqual(usher_client._format_instant(1780315200.9), "2026-06-01T12:00:00Z")


@unittest.skipUnless(URL, "needs a server (USHER_TEST_URL): run through ./mvnw verify")
class LiveTest(unittest.TestCase):

    def setUp(self):
        self.store = tempfile.mkdtemp(prefix="usher-borrows-")
        self.offset = SERVER_NOW - time.time()
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()

    def client(self, user, servers=None, **kw):
        c = UsherClient(servers or [URL], "demo", user=user, host="py-" + user, borrow_store=self.store,
                        clock=lambda: time.time() + self.offset, **kw)
        self.clients.append(c)
        return c

    def seats(self):
        return admin("GET", "/api/v1/seats")

    def test_checkout_heartbeats_and_check_in(self):
        heard = []
        c = self.client("pia", on_seat_lost=lambda s, l: heard.append(l))
        seat = c.checkout("cal")
        self.assertTrue(seat.valid)
        self.assertEqual(seat.user, "pia")
        self.assertEqual(seat.outcome, "new")
        self.assertTrue(seat.session_id.startswith("py-pia-"))
        self.assertEqual(c.checkout("cal").seat_id, seat.seat_id)
        # The heartbeat thread answers every heartbeat_seconds; two beats and nothing happened.
        beat = threading.Event()
        original = c._beat
        c._beat = lambda: (original(), beat.set())[0]
        self.assertTrue(beat.wait(c.heartbeat_seconds * 3 + 5))
        self.assertTrue(seat.valid)
        self.assertEqual(heard, [])
        self.assertIn(seat.seat_id, [s["seatId"] for s in self.seats()])
        seat.close()
        seat.close()
        self.assertFalse(seat.valid)
        self.assertNotIn(seat.seat_id, [s["seatId"] for s in self.seats()])

    def test_refusals_are_typed(self):
        self.client("quinn").checkout("cal")
        self.client("ravi").checkout("cal")
        with self.assertRaises(usher_client.NoSeatsAvailable) as ctx:
            self.client("sam").checkout("cal")
        self.assertEqual((ctx.exception.capacity, ctx.exception.in_use), (2, 2))
        with self.assertRaises(usher_client.UnknownProduct):
            self.client("sam").checkout("nope")

    def test_a_dead_first_url_fails_over_to_the_next(self):
        dead = dead_url()
        unreachable = []
        c = self.client("tia", servers=[dead, URL], on_server_unreachable=lambda url, e: unreachable.append(url))
        self.assertTrue(c.checkout("cal").valid)
        self.assertEqual(c.current_server, URL)
        self.assertEqual(unreachable, [dead])

    def test_a_server_error_fails_over_to_the_next_server(self):
        import http.server

        class Sick(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):
                body = b'{"type":"urn:usher:problem:store-unavailable","title":"t","status":503,"detail":"d"}'
                self.send_response(503)
                self.send_header("Content-Type", "application/problem+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        sick = http.server.HTTPServer(("127.0.0.1", 0), Sick)
        threading.Thread(target=sick.serve_forever, daemon=True).start()
        try:
            sick_url = "http://127.0.0.1:%d" % sick.server_address[1]
            unreachable = []
            c = self.client("vic", servers=[sick_url, URL], on_server_unreachable=lambda url, e: unreachable.append((url, e.type)))
            self.assertTrue(c.checkout("cal").valid)
            self.assertEqual(c.current_server, URL)
            self.assertEqual(unreachable, [(sick_url, "store-unavailable")])
        finally:
            sick.shutdown()
            sick.server_close()

    def test_a_borrowed_seat_is_proven_offline_and_can_be_given_back(self):
        c = self.client("uma")
        t = c.borrow("cal", 3 * 86400)
        self.assertEqual((t.user, t.product, t.feature), ("uma", "demo", "cal"))
        self.assertAlmostEqual(t.until, SERVER_NOW + 3 * 86400, delta=120)
        self.assertEqual(c.borrowed("cal"), t)
        # With no server at all, the stored token alone proves the loan (until its date).
        offline = UsherClient([dead_url()], "demo", user="uma", borrow_store=self.store, clock=lambda: t.until - 1)
        self.assertEqual(offline.borrowed("cal"), t)
        self.assertIsNone(UsherClient([dead_url()], "demo", borrow_store=self.store, clock=lambda: t.until).borrowed("cal"))
        # A changed payload does not verify.
        body, sig = t.text.split(".")
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        payload["user"] = "eve"
        forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=") + "." + sig
        key = admin("GET", "/api/v1/installation")["borrowPublicKey"]
        with self.assertRaises(usher_client.InvalidBorrowToken) as ctx:
            usher_client.verify_borrow_token(forged, key, now=t.until - 1)
        self.assertIn("signature does not match", str(ctx.exception))

        c.return_borrow("cal")
        self.assertIsNone(c.borrowed("cal"))
        with self.assertRaises(usher_client.UsherError) as ctx:
            c.return_borrow("cal")
        self.assertEqual(ctx.exception.type, "not-borrowed")


if __name__ == "__main__":
    unittest.main()
