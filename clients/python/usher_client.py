"""Usher client for Python: take a license seat, keep it with heartbeats, give it back.

One file, standard library only (Python 3.8 or newer). It follows the protocol in docs/CLIENTS.md,
as the Java client does: a heartbeat thread, back-off and failover across server URLs, a grace
period while no server answers, and no silent new seat after an administrator took this one back.

    from usher_client import UsherClient, NoSeatsAvailable

    with UsherClient(["http://licenses:9780"], product="demo") as usher:
        try:
            seat = usher.checkout("cal")
        except NoSeatsAvailable as e:
            print(e)                      # a sentence for the user: who holds the seats, whom to ask
        else:
            ...                           # work while seat.valid

Borrow tokens (a seat taken offline until a date) are checked offline with Ed25519 through the
``cryptography`` package when it is importable; without it, :func:`can_verify_offline` is False and
verifying raises :class:`OfflineVerificationUnavailable` saying so.
"""

import base64
import binascii
import datetime
import http.client
import json
import os
import random
import re
import secrets
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = [
    "UsherClient", "Seat", "SeatLoss", "BorrowToken", "UsherError", "NoSeatsAvailable", "NotEntitled",
    "ServerNotLicensed", "Unauthenticated", "UnknownProduct", "InvalidBorrowToken",
    "OfflineVerificationUnavailable", "verify_borrow_token", "can_verify_offline",
]

#: The ``endedBecause`` codes of the heartbeat's 410 that are an administrator's act.
ADMINISTRATOR_ENDINGS = ("released-by-administrator", "loan-taken-back", "person-disabled")
NO_SERVER_ANSWERED = "no-server-answered"
_SESSION_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_MIN_BACKOFF = 0.25


# ---- errors --------------------------------------------------------------------------------------

class UsherError(Exception):
    """A refusal or failure. ``type`` is the stable problem name a program switches on; ``str(e)`` is
    a sentence for the person using the application; ``status`` is the HTTP status (0: no server answered)."""

    def __init__(self, type_, status, message, problem=None):
        super().__init__(message)
        self.type = type_
        self.status = status
        self.message = message
        self.problem = problem or {}


class NoSeatsAvailable(UsherError):
    """Every seat of the pool is in use; ``capacity`` and ``in_use`` say how many (-1: not said)."""

    def __init__(self, status, message, problem):
        super().__init__("no-seats-available", status, message, problem)
        self.capacity = problem.get("capacity", -1)
        self.in_use = problem.get("inUse", -1)
        self.queue_position = problem.get("queuePosition", 0)


class NotEntitled(UsherError):
    """A rule of the administrator keeps this person out of the pool."""


class ServerNotLicensed(UsherError):
    """The product has no valid server license on this installation."""


class Unauthenticated(UsherError):
    """The credentials were missing, wrong or expired."""


class UnknownProduct(UsherError):
    """No pool of this product and feature exists on the server."""


class InvalidBorrowToken(UsherError):
    """A borrow token that does not prove a loan now: changed, from another server, unreadable, or past its date."""

    def __init__(self, message):
        super().__init__("invalid-borrow-token", 0, message)


class OfflineVerificationUnavailable(UsherError):
    """This Python has no Ed25519 (the ``cryptography`` package is missing): tokens cannot be checked offline."""

    def __init__(self, message):
        super().__init__("offline-verification-unavailable", 0, message)


_TYPED = {
    "not-entitled": NotEntitled,
    "server-not-licensed": ServerNotLicensed,
    "unauthenticated": Unauthenticated,
    "unknown-pool": UnknownProduct,
}


def _problem_error(status, body):
    """Maps a problem+json answer to its typed error."""
    problem = _json_object(body)
    t = problem.get("type")
    type_ = t.rsplit(":", 1)[-1] if isinstance(t, str) else "http-%d" % status
    detail = problem.get("detail") or problem.get("title") or "the license server answered with status %d" % status
    if type_ == "no-seats-available":
        return NoSeatsAvailable(status, detail, problem)
    cls = _TYPED.get(type_)
    return cls(type_, status, detail, problem) if cls else UsherError(type_, status, detail, problem)


def _json_object(text):
    try:
        v = json.loads(text) if text else {}
    except ValueError:
        return {}
    return v if isinstance(v, dict) else {}


# ---- time ----------------------------------------------------------------------------------------

def _parse_instant(s):
    """An ISO-8601 instant as the server writes it (``2026-06-01T12:00:00Z``, maybe with fractions) to epoch seconds."""
    if not isinstance(s, str):
        return None
    m = re.match(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$", s)
    if not m:
        return None
    whole = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return whole.timestamp() + (float(m.group(2)) if m.group(2) else 0.0)


def _format_instant(epoch):
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- borrow tokens -------------------------------------------------------------------------------

class BorrowToken:
    """Proof that a seat is on loan to ``user`` until ``until`` (epoch seconds), signed by the lending server."""

    def __init__(self, payload, text):
        self.installation_id = payload.get("installationId")
        self.product = payload["product"]
        self.feature = payload["feature"]
        self.user = payload.get("user")
        self.host = payload.get("host")
        self.seat_id = payload["seatId"]
        self.session_id = payload.get("sessionId")
        self.issued = _parse_instant(payload["issued"])
        self.until = _parse_instant(payload["until"])
        self.text = text

    def __eq__(self, other):
        return isinstance(other, BorrowToken) and other.text == self.text

    def __hash__(self):
        return hash(self.text)

    def __repr__(self):
        return "BorrowToken(%s %s for %s until %s)" % (self.product, self.feature, self.user, _format_instant(self.until))


def _ed25519():
    """The Ed25519 verifier of the ``cryptography`` package, or None when it is not importable."""
    try:
        from cryptography.hazmat.primitives.serialization import load_der_public_key
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.exceptions import InvalidSignature
    except ImportError:
        return None
    return load_der_public_key, Ed25519PublicKey, InvalidSignature


def _require_ed25519():
    ed = _ed25519()
    if ed is None:
        raise OfflineVerificationUnavailable(
            "This Python has no Ed25519 signatures (install the 'cryptography' package, e.g. apt-get install"
            " python3-cryptography), so a borrow token cannot be checked offline. Borrowing a seat and working"
            " offline need it; everything else works without it.")
    return ed


def can_verify_offline():
    """True when borrow tokens can be checked here (the ``cryptography`` package is importable)."""
    return _ed25519() is not None


def _b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def verify_borrow_token(token, public_key, now=None):
    """Checks a borrow token's Ed25519 signature (``public_key``: base64 X.509, as ``publicKey`` of the
    borrow answer or ``borrowPublicKey`` of GET /api/v1/installation) and its date, with no network.
    Returns the :class:`BorrowToken`, or raises :class:`InvalidBorrowToken` saying why not, or
    :class:`OfflineVerificationUnavailable` when this Python cannot check signatures."""
    if not isinstance(token, str) or len(token) > 8192:
        raise InvalidBorrowToken("This is not a borrow token (missing or too long).")
    text = token.strip()
    parts = text.split(".")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise InvalidBorrowToken("This is not a borrow token (expected two parts separated by a dot).")
    load_der_public_key, ed25519_key_type, invalid_signature = _require_ed25519()
    try:
        key = load_der_public_key(base64.b64decode((public_key or "").strip(), validate=True))
        if not isinstance(key, ed25519_key_type):
            raise ValueError("not an Ed25519 key")
        signature = _b64url(parts[1])
    except (ValueError, binascii.Error, TypeError) as e:
        raise InvalidBorrowToken("The borrow token or the server key cannot be read: %s" % e)
    try:
        key.verify(signature, parts[0].encode("ascii"))
    except (invalid_signature, UnicodeEncodeError):
        raise InvalidBorrowToken("The borrow token's signature does not match: it was changed, or another license"
                                 " server issued it.")
    try:
        payload = json.loads(_b64url(parts[0]).decode("utf-8"))
        if payload.get("v") != 1:
            raise InvalidBorrowToken("This borrow token has a version this library does not know; update the application.")
        for k in ("product", "feature", "seatId", "issued", "until"):
            if not payload.get(k):
                raise InvalidBorrowToken("The borrow token has no %s." % k)
        t = BorrowToken(payload, text)
        if t.until is None or t.issued is None:
            raise ValueError("bad date")
    except InvalidBorrowToken:
        raise
    except (ValueError, KeyError, AttributeError, binascii.Error) as e:
        raise InvalidBorrowToken("The borrow token is signed but its content cannot be read: %s" % e)
    if (time.time() if now is None else now) >= t.until:
        raise InvalidBorrowToken("The loan of %s %s ended at %s. Connect to the license server to borrow again."
                                 % (t.product, t.feature, _format_instant(t.until)))
    return t


# ---- seats ---------------------------------------------------------------------------------------

class SeatLoss:
    """Why a seat was lost: ``code`` (the server's ``endedBecause`` for an administrator's act,
    ``no-server-answered``, or the problem type of a refused re-checkout) and ``message`` for the user."""

    def __init__(self, code, message, reason=None):
        self.code = code
        self.message = message
        self.reason = reason

    @property
    def by_administrator(self):
        return self.code in ADMINISTRATOR_ENDINGS

    def __str__(self):
        return "%s: %s" % (self.code, self.message)

    __repr__ = __str__


class Seat:
    """A seat held by an :class:`UsherClient`; heartbeats keep it, :meth:`close` gives it back."""

    def __init__(self, client, product, feature):
        self._client = client
        self.product = product
        self.feature = feature
        self.seat_id = None
        self.user = None
        self.lease_expires_at = None
        self.heartbeat_seconds = None
        self.shared_with_sessions = 0
        self.outcome = None
        self.loss = None
        self.closed = False

    def _update(self, m):
        self.seat_id = m.get("seatId")
        self.user = m.get("user")
        self.lease_expires_at = _parse_instant(m.get("leaseExpiresAt")) or self.lease_expires_at
        self.heartbeat_seconds = m.get("heartbeatSeconds", self.heartbeat_seconds)
        self.shared_with_sessions = m.get("sharedWithSessions", 0)
        self.outcome = m.get("outcome")
        self.loss = None

    @property
    def session_id(self):
        return self._client.session_id

    @property
    def valid(self):
        """True while held: not closed, not lost, and (when no server answers) within the grace period."""
        return not self.closed and self.loss is None and self._client._within_grace()

    def close(self):
        """Gives the seat back; a second call does nothing. Never raises: an unreachable server lets the lease lapse."""
        if not self.closed:
            self.closed = True
            self._client._checkin(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "Seat(%s/%s %s user=%s%s)" % (self.product, self.feature, self.seat_id, self.user, "" if self.valid else " invalid")


# ---- the client ----------------------------------------------------------------------------------

class UsherClient:
    """Takes and keeps seats of one product for one session (one running application).

    ``servers``: URLs in order of preference (failover goes down the list). Open mode: ``user`` (default:
    the login name) and ``host`` are reported as they are. Session mode: ``user`` and ``password`` sign in.
    Token mode: ``token``. ``grace``: seconds seats stay valid while no server answers.
    ``retake_after_administrator_release``: take a new seat by itself after an administrator released
    this one (default False: ``on_seat_lost`` tells the application, which decides).
    Listeners are called on the heartbeat thread: ``on_seat_lost(seat, loss)``, ``on_seat_restored(seat)``,
    ``on_server_unreachable(url, error)``. ``clock`` returns epoch seconds (tests).
    """

    def __init__(self, servers, product, user=None, host=None, password=None, token=None, client_name="usher-client-python",
                 session_id=None, grace=600.0, connect_timeout=5.0, request_timeout=15.0, jitter=0.1,
                 retake_after_administrator_release=False, borrow_store=None, clock=time.time,
                 on_seat_lost=None, on_seat_restored=None, on_server_unreachable=None):
        if isinstance(servers, str):
            servers = [servers]
        if not servers:
            raise ValueError("at least one server URL is needed")
        if not product:
            raise ValueError("product is required")
        if session_id is not None and not _SESSION_ID.match(session_id):
            raise ValueError("a session id is 1 to 128 of A-Z a-z 0-9 . _ : -")
        if not 0 <= jitter <= 0.5:
            raise ValueError("jitter must be between 0 and 0.5")
        self.servers = [s.rstrip("/") for s in servers]
        self.product = product
        self.user = user or _login_name()
        self.host = host or socket.gethostname() or "localhost"
        self._password = password
        self._token = token
        self._signs_in = password is not None
        self.client_name = client_name
        self.session_id = session_id or _new_session_id(self.host)
        self.grace = grace
        self.timeout = max(connect_timeout, request_timeout)
        self.jitter = jitter
        self.retake_after_administrator_release = retake_after_administrator_release
        self.borrow_store = borrow_store or os.path.join(os.path.expanduser("~"), ".usher", "borrows")
        self.clock = clock
        self.on_seat_lost = on_seat_lost
        self.on_seat_restored = on_seat_restored
        self.on_server_unreachable = on_server_unreachable
        self.heartbeat_seconds = 30
        self._current = 0
        self._seats = {}
        self._lock = threading.RLock()
        self._last_contact = clock()
        self._unreachable = False
        self._closed = False
        self._stop = threading.Event()
        self._thread = None

    @property
    def current_server(self):
        """The server URL answering now."""
        return self.servers[self._current % len(self.servers)]

    # -- seats --

    def seat(self, feature):
        """The seat of ``feature`` this client holds now (not given back, not lost), or None."""
        with self._lock:
            s = self._seats.get(feature)
        return None if s is None or s.closed or s.loss is not None else s

    def checkout(self, feature, wait=0):
        """Takes (or keeps) a seat of ``feature``; ``wait``: seconds to wait in the server's line when the pool
        is full (0 to 300). Raises NoSeatsAvailable, NotEntitled, ServerNotLicensed, Unauthenticated,
        UnknownProduct, or UsherError of type ``server-unreachable``."""
        if self._closed:
            raise RuntimeError("this client is closed")
        if not 0 <= wait <= 300:
            raise ValueError("a wait is between 0 and 300 seconds")
        with self._lock:
            seat = self._seats.get(feature)
            if seat is None or seat.closed or seat.loss is not None:
                seat = Seat(self, self.product, feature)
        self._take(seat, int(wait + 0.999))
        with self._lock:
            self._seats[feature] = seat
        self._start_heartbeats()
        return seat

    def _take(self, seat, wait=0):
        body = {"host": self.host, "client": self.client_name}
        if not self._signs_in and self._token is None:
            body["user"] = self.user
        path = self._checkout_path(seat.feature) + ("?wait=%d" % wait if wait > 0 else "")
        status, text = self._send("PUT", path, body, self.timeout + wait)
        if status not in (200, 201):
            raise _problem_error(status, text)
        m = _json_object(text)
        seat._update(m)
        self.heartbeat_seconds = max(1, int(m.get("heartbeatSeconds", self.heartbeat_seconds)))

    def _checkin(self, seat):
        with self._lock:
            if self._seats.get(seat.feature) is seat:
                del self._seats[seat.feature]
        if self._closed or seat.loss is not None:
            return
        try:
            self._send("DELETE", self._checkout_path(seat.feature), None)
        except UsherError:
            pass  # the lease lapses on its own

    def close(self):
        """Gives back every seat, ends the session and stops the heartbeats."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        with self._lock:
            for s in self._seats.values():
                s.closed = True
            self._seats.clear()
        try:
            self._send("DELETE", "/api/v1/sessions/" + self.session_id, None)
        except UsherError:
            pass  # best effort: the server expires the session
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.timeout + 1)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _within_grace(self):
        return not self._unreachable or self.clock() < self._last_contact + self.grace

    # -- borrowing --

    def borrow(self, feature, seconds):
        """Takes the seat of ``feature`` offline for ``seconds`` (checking it out first if needed) and stores
        the token so that :meth:`borrowed` proves the loan later with no network. Raises
        OfflineVerificationUnavailable first when this Python cannot check tokens."""
        _require_ed25519()  # before asking: a loan that cannot be proven offline only takes a seat from others
        with self._lock:
            seat = self._seats.get(feature)
        if seat is None or seat.closed or seat.loss is not None:
            self.checkout(feature)
        until = _format_instant(self.clock() + seconds)
        status, text = self._send("POST", self._checkout_path(feature) + "/borrow", {"until": until})
        if status != 200:
            raise _problem_error(status, text)
        m = _json_object(text)
        token = verify_borrow_token(m.get("token"), m.get("publicKey"), self.clock())
        self._save_borrow(feature, token.text, m.get("publicKey"))
        return token

    def borrowed(self, feature):
        """The stored loan of ``feature`` if it still proves one now (checked offline), else None."""
        try:
            with open(self._borrow_file(feature), encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError:
            return None
        if len(lines) < 2:
            return None
        try:
            t = verify_borrow_token(lines[0], lines[1], self.clock())
        except InvalidBorrowToken:
            return None
        return t if t.product == self.product and t.feature == feature else None

    def return_borrow(self, feature):
        """Gives a borrowed seat back before its date (a server must answer) and forgets the stored token."""
        t = self.borrowed(feature)
        if t is None:
            raise UsherError("not-borrowed", 0, "Nothing of %s %s is borrowed on this computer." % (self.product, feature))
        status, text = self._send("DELETE", "/api/v1/borrows/" + _segment(t.seat_id), None)
        if status not in (200, 404):
            raise _problem_error(status, text)
        os.remove(self._borrow_file(feature))

    def _borrow_file(self, feature):
        return os.path.join(self.borrow_store, _segment(self.product), _segment(feature) + ".borrow")

    def _save_borrow(self, feature, token, key):
        path = self._borrow_file(feature)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = "%s.%s.tmp" % (path, secrets.token_hex(4))
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(token + "\n" + key + "\n")
        os.replace(tmp, path)

    # -- heartbeats --

    def _start_heartbeats(self):
        with self._lock:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._heartbeat_loop, name="usher-heartbeat-" + self.session_id,
                                                 daemon=True)
                self._thread.start()

    def _heartbeat_loop(self):
        failures = 0
        while not self._closed:
            delay = self._beat_delay() if failures == 0 else self._backoff(failures)
            if self._stop.wait(delay):
                return
            with self._lock:
                empty = not self._seats
            if empty:
                failures = 0
                continue
            try:
                failures = 0 if self._beat() else failures + 1
            except Exception:  # a bug must not end the heartbeats silently: count it as a failed beat
                failures += 1

    def _beat_delay(self):
        return max(0.05, self.heartbeat_seconds * (1 - self.jitter * random.random()))

    def _backoff(self, failures):
        """Exponential from 250 ms up to one heartbeat interval, with jitter (clients must not return in step)."""
        cap = max(1.0, float(self.heartbeat_seconds))
        d = min(cap, _MIN_BACKOFF * (2 ** min(failures - 1, 20)))
        return d * (0.5 + 0.5 * random.random())

    def _beat(self):
        """One heartbeat; False when it should be retried soon (no server gave an answer)."""
        try:
            status, text = self._send("POST", "/api/v1/sessions/%s/heartbeat" % self.session_id, {})
        except UsherError as e:
            if e.status == 0 or e.status >= 500:
                self._check_grace()
                return False
            self._lose_all(SeatLoss(e.type, str(e)))
            return True
        if status == 200:
            m = _json_object(text)
            self.heartbeat_seconds = max(1, int(m.get("heartbeatSeconds", self.heartbeat_seconds)))
            expires = _parse_instant(m.get("leaseExpiresAt"))
            with self._lock:
                for s in self._seats.values():
                    if expires is not None:
                        s.lease_expires_at = expires
            return True
        if not _definitive(status, text):
            self._check_grace()
            return False
        if status == 410:
            p = _json_object(text)
            because = p.get("endedBecause")
            if because in ADMINISTRATOR_ENDINGS and not self.retake_after_administrator_release:
                self._lose_all(SeatLoss(because, p.get("detail") or "The license server ended this session.", p.get("reason")))
                return True
            return self._retake_all()
        e = _problem_error(status, text)
        self._lose_all(SeatLoss(e.type, str(e)))
        return True

    def _retake_all(self):
        """After a lapse: the same session id takes its seats again."""
        with self._lock:
            seats = list(self._seats.values())
        for s in seats:
            if s.closed:
                continue
            try:
                self._take(s)
            except UsherError as e:
                if e.status == 0 or (e.status >= 500 and not isinstance(e, ServerNotLicensed)):
                    self._check_grace()
                    return False
                self._lose(s, SeatLoss(e.type, str(e)))
                continue
            self._fire(self.on_seat_restored, s)
        return True

    def _lose_all(self, loss):
        with self._lock:
            seats = list(self._seats.values())
        for s in seats:
            self._lose(s, loss)

    def _lose(self, seat, loss):
        with self._lock:
            if self._seats.get(seat.feature) is seat:
                del self._seats[seat.feature]
            first = seat.loss is None and not seat.closed
            if first:
                seat.loss = loss
        if first:
            self._fire(self.on_seat_lost, seat, loss)

    def _check_grace(self):
        if self._within_grace():
            return
        loss = SeatLoss(NO_SERVER_ANSWERED, "No license server has answered since %s; the grace period of %d second(s)"
                        " is over. Check the network connection." % (_format_instant(self._last_contact), self.grace))
        self._lose_all(loss)

    @staticmethod
    def _fire(listener, *args):
        if listener is None:
            return
        try:
            listener(*args)
        except Exception:
            pass  # a listener's failure must not stop the heartbeats

    # -- HTTP --

    def _checkout_path(self, feature):
        return "/api/v1/sessions/%s/checkouts/%s/%s" % (self.session_id, _segment(self.product), _segment(feature))

    def _send(self, method, path, body, timeout=None):
        """Sends to the current server, failing over to the next ones; signs in (again) when the credentials say so."""
        if self._signs_in and self._token is None and not path.endswith("/auth/sign-in"):
            self._sign_in()
        status, text = self._send_any(method, path, body, timeout or self.timeout)
        if status == 401 and self._signs_in and not path.endswith("/auth/sign-in"):
            self._sign_in()  # the sign-in ended: once more with a fresh one
            status, text = self._send_any(method, path, body, timeout or self.timeout)
        return status, text

    def _sign_in(self):
        self._token = None
        status, text = self._send_any("POST", "/api/v1/auth/sign-in", {"user": self.user, "password": self._password},
                                      self.timeout)
        if status != 200:
            raise _problem_error(status, text)
        self._token = _json_object(text).get("token")

    def _send_any(self, method, path, body, timeout):
        """Tries the servers in turn from the one that answered last; returns the first definitive answer,
        else the last server error, else raises ``server-unreachable``."""
        start = self._current
        tried = []
        last_error = None
        for k in range(len(self.servers)):
            idx = (start + k) % len(self.servers)
            base = self.servers[idx]
            try:
                status, text = self._send_one(base + path, method, body, timeout)
            except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as e:
                tried.append(base)
                self._fire(self.on_server_unreachable, base, e)
                continue
            if _definitive(status, text):
                self._current = idx
                self._last_contact = self.clock()
                self._unreachable = False
                return status, text
            last_error = (status, text)
            tried.append("%s (%d)" % (base, status))
            self._fire(self.on_server_unreachable, base, _problem_error(status, text))
        self._unreachable = True
        if last_error is not None:
            return last_error
        raise UsherError("server-unreachable", 0, "No license server answers (tried %s). Check your network connection,"
                         " or tell your administrator." % ", ".join(tried))

    def _send_one(self, url, method, body, timeout):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self._token is not None:
            req.add_header("Authorization", "Bearer " + self._token)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            try:
                return e.code, e.read().decode("utf-8")
            finally:
                e.close()


def _definitive(status, text):
    """A 5xx is trouble at that server, so the next one is asked; except server-not-licensed, which all would say."""
    if status < 500:
        return True
    t = _json_object(text).get("type")
    return isinstance(t, str) and t.endswith(":server-not-licensed")


def _segment(s):
    return urllib.parse.quote(s, safe="")


def _login_name():
    try:
        import getpass
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def _new_session_id(host):
    """``host-randomhex``: only ``[A-Za-z0-9._:-]``, at most 128 characters."""
    h = re.sub(r"[^A-Za-z0-9._:-]", "_", host or "")[:96] or "client"
    return "%s-%s" % (h, secrets.token_hex(8))
