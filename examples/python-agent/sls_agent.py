#!/usr/bin/env python3
"""An appliance agent for the Shared License Server, in Python 3 with the standard library only.

Written against the appliance protocol (version 1) and the server's OpenAPI document
(GET /api/openapi.json) alone: every call is `POST /api/trpc/appliance.<verb>` with a JSON body,
answered `{"result":{"data":...}}` or with tRPC's error shape, whose `error.data.reason` says why.

It registers, asks for the sessions its load needs beyond the local licence (in blocks of 50, each
ask with its own requestId, sent again unchanged when the ask is retried), refreshes at the
server's interval with +-10 % jitter, gives back what the load no longer needs, retries passing
failures after a fully jittered exponential back-off never sooner than the server's retryAfterMs,
registers again when its token is superseded, and keeps its grant for 24 h without a server
before dropping to the local limit. Events go to standard output, one JSON object per line.

    SLS_SHARED_SECRET=... python3 sls_agent.py --url http://localhost:3000 --serial JAD2231A0BC \\
        --hostname vpn-east.example.net --model ASA5555-X --platform-limit 5000 --local-limit 250 --load 600

While it runs, a line `load N` on standard input sets the load and `quit` (or SIGTERM, Ctrl-C)
gives every session back and ends it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import queue
import random
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Callable

BLOCK = 50
DAY_MS = 24 * 60 * 60 * 1000
# Refusals that pass: the server asks the caller to come back later (after retryAfterMs).
PASSING_REASONS = frozenset({"OVERLOADED", "RATE_LIMITED", "STARTING"})
# Refusals no retry can change: the administrator or the installer must act. They end the agent.
FINAL_REASONS = frozenset({"BAD_SECRET", "AWAITING_APPROVAL", "RESERVED_SERIAL", "NOT_BACKUP"})


class Refused(Exception):
    """The server answered with an error: its HTTP status, reason, message and retryAfterMs (or None)."""

    def __init__(self, status: int, reason: str | None, message: str, retry_after_ms: int | None):
        super().__init__(f"{reason or status}: {message}")
        self.status = status
        self.reason = reason
        self.retry_after_ms = retry_after_ms


class Unreachable(Exception):
    """No answer: connection refused or cut, time-out, or something that is not the server's JSON."""


Transport = Callable[[str, str, dict, "str | None", float], dict]


def http_transport(base_url: str, verb: str, body: dict, token: str | None, timeout_s: float) -> dict:
    """One call over HTTP; returns the parsed answer (result or error envelope) or raises Unreachable."""
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"{base_url.rstrip('/')}/api/trpc/appliance.{verb}",
        data=json.dumps(body).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            text = response.read()
    except urllib.error.HTTPError as error:
        text = error.read()
    except (urllib.error.URLError, OSError) as error:
        raise Unreachable(str(getattr(error, "reason", error))) from error
    try:
        answer = json.loads(text)
    except ValueError as error:
        raise Unreachable(f"the answer is not JSON: {text[:80]!r}") from error
    if not isinstance(answer, dict) or not ("result" in answer or "error" in answer):
        raise Unreachable(f"the answer is not a tRPC envelope: {text[:80]!r}")
    return answer


def backoff_ms(failures: int, base_ms: float, cap_ms: float, retry_after_ms: int | None, rng: random.Random) -> float:
    """Full jitter: a random delay in [0, min(cap, base * 2^(failures-1))), never below retryAfterMs."""
    window = min(cap_ms, base_ms * 2 ** (failures - 1))
    return max(rng.uniform(0, window), retry_after_ms or 0)


def sessions_needed(load: int, local_limit: int, platform_limit: int) -> int:
    """What the load needs beyond the local licence, rounded up to blocks of 50, within the platform."""
    beyond = max(0, min(load, platform_limit) - local_limit)
    headroom = (platform_limit - local_limit) // BLOCK * BLOCK
    return min(math.ceil(beyond / BLOCK) * BLOCK, headroom)


def print_event(name: str, **fields: Any) -> None:
    print(json.dumps({"event": name, **fields}), flush=True)


class Agent:
    def __init__(
        self,
        url: str,
        secret: str,
        serial: str,
        hostname: str,
        model: str,
        platform_limit: int,
        local_limit: int,
        ha_peer_serial: str | None = None,
        *,
        transport: Transport = http_transport,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_event: Callable[..., None] = print_event,
        retry_base_ms: float = 5_000,
        retry_cap_ms: float = 60_000,
        grace_ms: float = DAY_MS,
        max_refresh_interval_ms: float | None = None,
        call_timeout_s: float = 10,
    ):
        self.url = url
        self.registration = {
            "secret": secret,
            "serial": serial,
            "hostname": hostname,
            "model": model,
            "platformLimit": platform_limit,
            "localLimit": local_limit,
            **({"haPeerSerial": ha_peer_serial} if ha_peer_serial else {}),
        }
        self.transport = transport
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.emit = on_event
        self.retry_base_ms = retry_base_ms
        self.retry_cap_ms = retry_cap_ms
        self.grace_ms = grace_ms
        self.max_refresh_interval_ms = max_refresh_interval_ms
        self.call_timeout_s = call_timeout_s
        self.token: str | None = None
        self.granted = 0
        self.pending = 0
        self.load = 0
        self.in_use = 0
        self.refresh_interval_ms = 30_000.0
        self.last_contact: float | None = None
        self.in_grace = False
        self.refresh_failures = 0

    # ── one call, and its retries ──────────────────────────────────────────────────────────────

    def _call_once(self, verb: str, body: dict) -> dict:
        token = None if verb == "register" else self.token
        answer = self.transport(self.url, verb, body, token, self.call_timeout_s)
        if "result" in answer:
            self._heard_from_server()
            return answer["result"]["data"]
        error = answer.get("error") or {}
        data = error.get("data") or {}
        raise Refused(data.get("httpStatus", 0), data.get("reason"), error.get("message", ""), data.get("retryAfterMs"))

    def call(self, verb: str, body: dict, max_attempts: int | None = None) -> dict:
        """The call, retried after a passing failure until it is answered (or `max_attempts` are spent).

        The body is sent unchanged on every attempt: a request keeps its requestId, so the server
        grants it once however many attempts reach it. A superseded token (BAD_TOKEN) registers
        again once and repeats the call.
        """
        failures = 0
        registered_again = False
        while True:
            try:
                return self._call_once(verb, body)
            except Refused as refused:
                if refused.reason == "BAD_TOKEN" and verb != "register" and not registered_again:
                    self.emit("token-superseded", verb=verb)
                    self.register()
                    registered_again = True
                    continue
                if refused.reason not in PASSING_REASONS:
                    raise
                failure, retry_after_ms = refused, refused.retry_after_ms
            except Unreachable as unreachable:
                failure, retry_after_ms = unreachable, None
            failures += 1
            if max_attempts is not None and failures >= max_attempts:
                raise failure
            delay = backoff_ms(failures, self.retry_base_ms, self.retry_cap_ms, retry_after_ms, self.rng)
            reason = failure.reason if isinstance(failure, Refused) else "unreachable"
            self.emit("retrying", verb=verb, attempt=failures, delayMs=round(delay), reason=reason, retryAfterMs=retry_after_ms)
            self.sleep(delay / 1000)

    # ── the verbs ──────────────────────────────────────────────────────────────────────────────

    def register(self) -> None:
        data = self.call("register", self.registration)
        self.token = data["token"]
        self._take(data)
        self.emit("registered", role=data["role"], granted=self.granted, pending=self.pending, refreshIntervalSec=data["refreshIntervalSec"])

    def request(self, sessions: int) -> dict:
        request_id = uuid.uuid4().hex
        data = self.call("request", {"sessions": sessions, "requestId": request_id})
        self._take(data)
        self.emit("granted", asked=sessions, requestId=request_id, added=data["added"], granted=self.granted, pending=self.pending)
        return data

    def refresh(self) -> dict:
        data = self.call("refresh", {"inUse": self.in_use}, max_attempts=1)
        self._take(data)
        self.emit("refreshed", inUse=self.in_use, granted=self.granted, pending=self.pending)
        return data

    def release(self, sessions: int) -> dict:
        data = self.call("release", {"sessions": sessions})
        self._take(data)
        self.emit("released", sessions=sessions, granted=self.granted, pending=self.pending)
        return data

    def _take(self, data: dict) -> None:
        self.granted = data["granted"]
        self.pending = data["pending"]
        if "refreshIntervalSec" in data:
            interval = data["refreshIntervalSec"] * 1000
            self.refresh_interval_ms = min(interval, self.max_refresh_interval_ms or interval)

    # ── load, refresh timer and grace ──────────────────────────────────────────────────────────

    @property
    def capacity(self) -> int:
        """Sessions this appliance may run: its local licence plus its grant (kept through the grace period)."""
        return self.registration["localLimit"] + self.granted

    def adjust(self) -> None:
        """Asks for what the load needs beyond grant and pending demand; gives back what it no longer needs."""
        needed = sessions_needed(self.load, self.registration["localLimit"], self.registration["platformLimit"])
        if needed < self.granted + self.pending:
            self.release(max(0, self.granted - needed))
        if needed > self.granted + self.pending:
            self.request(needed - self.granted - self.pending)
        self.in_use = min(self.load, self.capacity)

    def next_refresh_ms(self) -> float:
        """The server's interval +-10 %; after a failed refresh, the back-off (at most the interval)."""
        if self.refresh_failures == 0:
            return self.refresh_interval_ms * self.rng.uniform(0.9, 1.1)
        return backoff_ms(self.refresh_failures, self.retry_base_ms, self.refresh_interval_ms, None, self.rng)

    def refresh_on_timer(self) -> None:
        """One timed refresh: on success adjust (a reclaimed grant is asked for again), on failure the grace rule.

        Any failure but a final refusal counts as no answer from the server: the next refresh comes
        after the back-off, and the grant is kept until the grace period is over.
        """
        try:
            self.refresh()
        except (Unreachable, Refused) as failure:
            if isinstance(failure, Refused) and failure.reason in FINAL_REASONS:
                raise
            self.refresh_failures += 1
            self._check_grace(failure.reason if isinstance(failure, Refused) else "unreachable")
            return
        self.refresh_failures = 0
        self.adjust_or_report()

    def adjust_or_report(self) -> None:
        """`adjust`, reporting a refusal that is not final instead of ending: the next refresh tries again."""
        try:
            self.adjust()
        except Refused as refused:
            if refused.reason in FINAL_REASONS:
                raise
            self.emit("refused", reason=refused.reason, status=refused.status, message=str(refused))

    def _heard_from_server(self) -> None:
        self.last_contact = self.clock()
        if self.in_grace:
            self.in_grace = False
            self.emit("grace-over", why="the server answered")

    def _check_grace(self, reason: str) -> None:
        if self.last_contact is None:
            return
        silent_ms = (self.clock() - self.last_contact) * 1000
        if not self.in_grace and self.granted + self.pending > 0:
            self.in_grace = True
            self.emit("grace-started", reason=reason, untilMs=round(self.grace_ms - silent_ms))
        if silent_ms >= self.grace_ms and self.granted + self.pending > 0:
            self.granted = 0
            self.pending = 0
            self.in_use = min(self.in_use, self.capacity)
            self.emit("grace-ended", silentMs=round(silent_ms), capacity=self.capacity)

    def run(self, commands: "queue.Queue[tuple[str, int]]") -> None:
        """Registers, serves the load, refreshes on its timer; `("load", n)` sets the load, `("quit", 0)` ends."""
        self.register()
        self.adjust_or_report()
        while True:
            try:
                command, value = commands.get(timeout=self.next_refresh_ms() / 1000)
            except queue.Empty:
                self.refresh_on_timer()
                continue
            if command == "quit":
                break
            self.load = value
            self.adjust_or_report()
        if self.granted + self.pending > 0:
            try:
                self.call("release", {"sessions": self.granted}, max_attempts=3)
                self.emit("released", sessions=self.granted, granted=0, pending=0)
            except (Unreachable, Refused) as failure:
                self.emit("release-failed", error=str(failure))
        self.emit("stopped")


def read_commands(commands: "queue.Queue[tuple[str, int]]") -> None:
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["quit"]:
            commands.put(("quit", 0))
        elif len(words) == 2 and words[0] == "load" and words[1].isdigit():
            commands.put(("load", int(words[1])))
        elif words:
            print_event("bad-command", line=line.strip(), expected="load N | quit")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="The fleet's shared secret is read from SLS_SHARED_SECRET.")
    parser.add_argument("--url", required=True, help="the server, e.g. http://localhost:3000")
    parser.add_argument("--serial", required=True)
    parser.add_argument("--hostname", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--platform-limit", type=int, required=True)
    parser.add_argument("--local-limit", type=int, required=True)
    parser.add_argument("--ha-peer-serial")
    parser.add_argument("--load", type=int, default=0, help="sessions wanted at the start (default 0)")
    parser.add_argument("--retry-base-ms", type=float, default=5_000, help="the first back-off window (default 5000)")
    parser.add_argument("--retry-cap-ms", type=float, default=60_000, help="the largest back-off window (default 60000)")
    parser.add_argument("--grace-ms", type=float, default=DAY_MS, help="how long a grant outlives the server's silence (default 24 h)")
    parser.add_argument("--max-refresh-interval-ms", type=float, help="refresh at least this often, whatever the server says")
    parser.add_argument("--seed", type=int, help="seed of the jitter (default: random)")
    args = parser.parse_args(argv)
    secret = os.environ.get("SLS_SHARED_SECRET")
    if not secret:
        parser.error("set SLS_SHARED_SECRET to the fleet's shared secret (never an argument: others can read those)")

    commands: "queue.Queue[tuple[str, int]]" = queue.Queue()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: commands.put(("quit", 0)))
    threading.Thread(target=read_commands, args=(commands,), daemon=True).start()
    agent = Agent(
        args.url, secret, args.serial, args.hostname, args.model, args.platform_limit, args.local_limit, args.ha_peer_serial,
        rng=random.Random(args.seed),
        retry_base_ms=args.retry_base_ms,
        retry_cap_ms=args.retry_cap_ms,
        grace_ms=args.grace_ms,
        max_refresh_interval_ms=args.max_refresh_interval_ms,
    )
    agent.load = args.load
    try:
        agent.run(commands)
    except Refused as refused:
        print_event("refused", reason=refused.reason, status=refused.status, message=str(refused))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
