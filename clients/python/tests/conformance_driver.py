"""Drives usher_client for the conformance test (usher-client's ClientConformanceTest, on the JVM side).

One JSON command per line on standard input, one JSON answer per line on standard output. The same
scenarios drive the Java client directly, so both clients are held to the same protocol (docs/CLIENTS.md).
"""

import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import usher_client  # noqa: E402

client = None
events = []
events_lock = threading.Lock()


def record(event):
    with events_lock:
        events.append(event)


def refused(e):
    out = {"ok": False, "type": e.type, "status": e.status, "message": str(e)}
    if isinstance(e, usher_client.NoSeatsAvailable):
        out.update(capacity=e.capacity, inUse=e.in_use)
    return out


def iso(epoch):
    return None if epoch is None else usher_client._format_instant(epoch)


def run(cmd):
    global client
    op = cmd["op"]
    if op == "open":
        offset = cmd.get("clockOffset", 0.0)
        client = usher_client.UsherClient(
            cmd["servers"], cmd["product"], user=cmd.get("user"), host=cmd.get("host"), grace=cmd.get("grace", 600),
            retake_after_administrator_release=cmd.get("retake", False), borrow_store=cmd.get("borrowStore"),
            client_name="conformance-python", clock=lambda: time.time() + offset,
            on_seat_lost=lambda seat, loss: record("lost %s|%s" % (loss.code, loss.message)),
            on_seat_restored=lambda seat: record("restored"),
            on_server_unreachable=lambda url, e: record("unreachable " + url))
        return {"ok": True, "sessionId": client.session_id}
    if op == "checkout":
        try:
            s = client.checkout(cmd["feature"])
        except usher_client.UsherError as e:
            return refused(e)
        return {"ok": True, "seatId": s.seat_id, "user": s.user, "sharedWithSessions": s.shared_with_sessions,
                "outcome": s.outcome, "leaseExpiresAt": iso(s.lease_expires_at)}
    if op == "checkin":
        s = client.seat(cmd["feature"])
        if s is not None:
            s.close()
        return {"ok": True}
    if op == "seat":
        s = client.seat(cmd["feature"])
        if s is None:
            return {"ok": True, "held": False, "valid": False}
        return {"ok": True, "held": True, "valid": s.valid, "seatId": s.seat_id, "leaseExpiresAt": iso(s.lease_expires_at)}
    if op == "events":
        with events_lock:
            return {"ok": True, "events": list(events)}
    if op == "currentServer":
        return {"ok": True, "url": client.current_server}
    if op == "borrow":
        try:
            t = client.borrow(cmd["feature"], cmd["seconds"])
        except usher_client.UsherError as e:
            return refused(e)
        return {"ok": True, "token": t.text, "user": t.user, "until": iso(t.until)}
    if op == "verify":
        try:
            t = usher_client.verify_borrow_token(cmd["token"], cmd["key"], usher_client._parse_instant(cmd["at"]))
        except usher_client.UsherError as e:
            return refused(e)
        return {"ok": True, "user": t.user, "product": t.product, "feature": t.feature, "until": iso(t.until)}
    if op == "close":
        client.close()
        return {"ok": True}
    raise ValueError("unknown op " + op)


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = run(json.loads(line))
        except Exception as e:  # the JVM side reports it with the scenario
            answer = {"ok": False, "type": "driver-error", "status": -1, "message": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
