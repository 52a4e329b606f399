"""Password guessing: the per-account brake (any addresses) and the per-address limit, both
driven by concurrent attackers, so that nothing depends on how fast Argon2 hashes."""

import time
import uuid

from ..support import PASSWORD, assert_error_shape, register_and_login, service_env
from .clients import gateway_from, sign_in_attempts

MAX_FAILURES = int(service_env("auth").get("SIGN_IN_MAX_FAILURES", "5"))
LOGIN_BURST = 10  # the gateway's sign-in burst per address (deploy/lib/common.sh)


def _statuses(responses) -> list[int]:
    return sorted(response.status_code for response in responses)


def test_concurrent_guesses_from_many_addresses_lock_the_account(gateway):
    victim = register_and_login(gateway)
    attackers = [gateway_from(f"127.0.0.{n}") for n in range(21, 25)]  # four addresses
    guesses = [(attackers[n % 4], victim.email, f"guess-{n}") for n in range(16)]
    responses = sign_in_attempts(guesses, concurrency=16)
    # The guesses are counted one after another: exactly the allowed failures were checked.
    assert _statuses(responses) == [401] * MAX_FAILURES + [429] * (16 - MAX_FAILURES)
    locked = next(r for r in responses if r.status_code == 429)
    assert_error_shape(locked, 429, "sign_in_locked")
    retry_after = int(locked.headers["Retry-After"])
    assert retry_after >= 1

    # The right password, from an address that never guessed, is refused while locked ...
    owner = gateway_from("127.0.0.25")
    refused = owner.post("/api/auth/login/", json={"email": victim.email, "password": PASSWORD})
    assert_error_shape(refused, 429, "sign_in_locked")
    # ... and works once the lock has run out.
    time.sleep(int(refused.headers["Retry-After"]) + 0.5)
    assert owner.post("/api/auth/login/", json={"email": victim.email, "password": PASSWORD}).status_code == 200


def test_a_locked_unknown_address_answers_exactly_like_a_locked_account(gateway):
    known = register_and_login(gateway)
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    attacker = gateway_from("127.0.0.26")
    answers = {}
    for email in (known.email, unknown):
        responses = sign_in_attempts([(attacker, email, "wrong-guess")] * (MAX_FAILURES + 1), concurrency=1)
        assert _statuses(responses) == [401] * MAX_FAILURES + [429]
        error = responses[-1].json()["error"]
        answers[email] = (error["code"], error["message"], responses[-1].headers["Retry-After"])
    assert answers[known.email] == answers[unknown]


def test_one_address_guessing_concurrently_is_cut_off_by_the_gateway():
    attacker = gateway_from("127.0.0.27")
    # A different address each guess: the account brake never starts, only the address limit.
    guesses = [(attacker, f"victim-{n}-{uuid.uuid4().hex[:6]}@example.com", "guess") for n in range(40)]
    started = time.monotonic()
    responses = sign_in_attempts(guesses, concurrency=8)
    elapsed = time.monotonic() - started
    limited = [r for r in responses if r.status_code == 429]
    assert limited, _statuses(responses)
    assert_error_shape(limited[0], 429, "rate_limited")
    assert limited[0].headers["Retry-After"]
    answered = [r for r in responses if r.status_code == 401]
    assert {r.status_code for r in responses} == {401, 429}
    # The burst plus what the rate refilled meanwhile, and no more (3 r/s).
    assert len(answered) <= LOGIN_BURST + 1 + 3 * elapsed


def test_other_addresses_keep_their_own_budget_while_one_is_cut_off():
    attacker, bystander = gateway_from("127.0.0.28"), gateway_from("127.0.0.29")
    guesses = [(attacker, f"x-{n}@example.com", "guess") for n in range(30)]
    assert 429 in _statuses(sign_in_attempts(guesses, concurrency=8))
    # An address nobody guessed at: only the per-address budget could refuse it, and does not.
    fresh = f"bystander-{uuid.uuid4().hex[:8]}@example.com"
    response = bystander.post("/api/auth/login/", json={"email": fresh, "password": "guess"})
    assert_error_shape(response, 401, "invalid_credentials")
