"""Unit tests of the agent's rules on a scripted transport and a fake clock: `python3 -m unittest` here.

The agent against a real server: packages/server/test/python-agent.integration.test.ts.
"""

import random
import unittest

from sls_agent import DAY_MS, Agent, Refused, Unreachable, backoff_ms, sessions_needed


def ok(**data):
    return {"result": {"data": data}}


def refused(reason, status, retry_after_ms=None):
    data = {"code": "X", "httpStatus": status, "reason": reason}
    if retry_after_ms is not None:
        data["retryAfterMs"] = retry_after_ms
    return {"error": {"message": f"refused {reason}", "code": -32600, "data": data}}


REGISTERED = ok(token="slt_1", role="participant", refreshIntervalSec=30, granted=0, pending=0, backup=None)


class Script:
    """Answers each call with the next scripted answer (an exception is raised), and records the calls."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, url, verb, body, token, timeout_s):
        self.calls.append((verb, dict(body), token))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class Clock:
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def agent_with(script, clock=None, **options):
    clock = clock or Clock()
    events = []
    agent = Agent(
        "http://sls.invalid", "secret", "PY-1", "py.example.net", "ASA5555-X", 1000, 100,
        transport=script, clock=clock, sleep=clock.sleep, rng=random.Random(7),
        on_event=lambda name, **fields: events.append((name, fields)), **options,
    )
    return agent, clock, events


class BackoffTest(unittest.TestCase):
    def test_full_jitter_within_the_growing_window_and_never_before_retry_after(self):
        rng = random.Random(1)
        for failures in range(1, 12):
            window = min(60_000, 5_000 * 2 ** (failures - 1))
            delays = [backoff_ms(failures, 5_000, 60_000, None, rng) for _ in range(200)]
            self.assertTrue(all(0 <= d < window for d in delays))
            self.assertGreater(max(delays) - min(delays), window / 2)  # spread, not a fixed delay
        self.assertTrue(all(backoff_ms(1, 5_000, 60_000, 1_500, rng) >= 1_500 for _ in range(200)))

    def test_sessions_needed_in_blocks_of_50_within_the_platform(self):
        self.assertEqual(sessions_needed(100, 100, 1000), 0)
        self.assertEqual(sessions_needed(101, 100, 1000), 50)
        self.assertEqual(sessions_needed(300, 100, 1000), 200)
        self.assertEqual(sessions_needed(5000, 100, 1000), 900)
        self.assertEqual(sessions_needed(5000, 100, 1020), 900)


class RetryTest(unittest.TestCase):
    def test_a_request_refused_as_overloaded_is_sent_again_with_the_same_request_id_after_retry_after(self):
        script = Script(REGISTERED, refused("OVERLOADED", 429, 1_500), Unreachable("cut"),
                        ok(granted=200, added=200, pending=0, refreshIntervalSec=30))
        agent, clock, events = agent_with(script, retry_base_ms=100)
        agent.register()
        agent.request(200)
        requests = [body for verb, body, _ in script.calls if verb == "request"]
        self.assertEqual(len(requests), 3)
        self.assertEqual(len({body["requestId"] for body in requests}), 1)
        self.assertGreaterEqual(clock.sleeps[0], 1.5)
        self.assertLess(clock.sleeps[1], 0.2)  # the second window: 200 ms, no retryAfterMs this time
        self.assertEqual([f["reason"] for name, f in events if name == "retrying"], ["OVERLOADED", "unreachable"])
        self.assertEqual(agent.granted, 200)
        self.assertTrue(all(token == "slt_1" for verb, _, token in script.calls if verb != "register"))

    def test_a_refusal_that_does_not_pass_is_not_retried(self):
        script = Script(REGISTERED, refused("NOT_A_MULTIPLE_OF_50", 400))
        agent, clock, _ = agent_with(script)
        agent.register()
        with self.assertRaises(Refused) as caught:
            agent.request(70)
        self.assertEqual(caught.exception.reason, "NOT_A_MULTIPLE_OF_50")
        self.assertEqual(clock.sleeps, [])

    def test_a_superseded_token_registers_again_and_repeats_the_call(self):
        again = ok(token="slt_2", role="participant", refreshIntervalSec=30, granted=200, pending=0, backup=None)
        script = Script(REGISTERED, refused("BAD_TOKEN", 401), again,
                        ok(granted=200, pending=0, refreshIntervalSec=30, backup=None))
        agent, _, events = agent_with(script)
        agent.register()
        agent.refresh()
        self.assertEqual([verb for verb, _, _ in script.calls], ["register", "refresh", "register", "refresh"])
        self.assertEqual(script.calls[-1][2], "slt_2")
        self.assertIn("token-superseded", [name for name, _ in events])


class RefreshTimerTest(unittest.TestCase):
    def test_a_refresh_refused_for_a_passing_reason_keeps_the_agent_running_and_a_final_one_ends_it(self):
        script = Script(REGISTERED, refused("INTERNAL", 500), refused("AWAITING_APPROVAL", 403))
        agent, _, _ = agent_with(script)
        agent.register()
        agent.refresh_on_timer()
        self.assertEqual(agent.refresh_failures, 1)
        with self.assertRaises(Refused):
            agent.refresh_on_timer()

    def test_the_refresh_timer_is_the_servers_interval_within_ten_percent(self):
        agent, _, _ = agent_with(Script(REGISTERED))
        agent.register()
        delays = [agent.next_refresh_ms() for _ in range(500)]
        self.assertTrue(all(27_000 <= d <= 33_000 for d in delays))
        self.assertGreater(max(delays) - min(delays), 4_000)


class GraceTest(unittest.TestCase):
    def test_the_grant_outlives_the_servers_silence_for_24_hours_then_drops_to_the_local_limit(self):
        script = Script(REGISTERED, ok(granted=200, added=200, pending=0, refreshIntervalSec=30),
                        *[Unreachable("down")] * 3)
        agent, clock, events = agent_with(script)
        agent.register()
        agent.load = 300
        agent.adjust()
        self.assertEqual(agent.capacity, 300)
        clock.now += 23 * 3600
        agent.refresh_on_timer()
        self.assertEqual(agent.capacity, 300)
        self.assertIn("grace-started", [name for name, _ in events])
        clock.now += 3599
        agent.refresh_on_timer()
        self.assertEqual(agent.capacity, 300)
        clock.now += 2
        agent.refresh_on_timer()
        self.assertEqual((agent.granted, agent.capacity), (0, 100))
        self.assertIn("grace-ended", [name for name, _ in events])
        self.assertEqual(DAY_MS, 86_400_000)


if __name__ == "__main__":
    unittest.main()
