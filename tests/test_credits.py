"""The credits ledger on real Redis: free trial, holds, grants once per charge, refunds, and
a randomized run with faults after which every person's books balance to the credit."""

from __future__ import annotations

import random
import threading

import redis

from worker.credits import Credits


def books_balance(credits: Credits, person: str) -> None:
    a = credits.account(person)
    assert a.granted + a.free == a.spent + a.refunded + a.balance + a.held, a


def test_the_free_trial_is_given_once(redis_client: redis.Redis) -> None:
    credits = Credits(redis_client, free=3)
    assert credits.balance("telegram:1") == 3
    assert credits.balance("telegram:1") == 3
    assert Credits(redis_client, free=10).balance("telegram:1") == 3  # a changed setting gives nothing twice


def test_a_picture_holds_then_spends_or_returns_its_credits(redis_client: redis.Redis) -> None:
    credits = Credits(redis_client, free=10)
    person = "telegram:1"
    assert credits.reserve(person, [("g1", 3), ("g2", 3)]) == (True, 4)
    assert credits.reserve(person, [("g1", 3)]) == (True, 4)  # the same generation holds once
    assert credits.account(person).held == 6
    assert credits.settle("g1") == 3
    assert credits.release("g1") == 0  # delivered: a late failure returns nothing
    assert credits.release("g2") == 3
    assert credits.settle("g2") == 0
    account = credits.account(person)
    assert (account.balance, account.held, account.spent) == (7, 0, 3)
    books_balance(credits, person)


def test_a_request_over_the_balance_holds_nothing(redis_client: redis.Redis) -> None:
    credits = Credits(redis_client, free=5)
    assert credits.reserve("p", [("a", 3), ("b", 3)]) == (False, 5)
    assert credits.account("p").held == 0
    assert credits.held_credits("a") == 0


def test_a_payment_credits_once_per_charge_and_a_refund_takes_it_back(redis_client: redis.Redis) -> None:
    credits = Credits(redis_client, free=2)
    assert credits.grant("p", "charge-1", 50, stars=200, payer="1")
    assert not credits.grant("p", "charge-1", 50, stars=200, payer="1")  # delivered twice
    assert credits.balance("p") == 52
    assert credits.day_totals()["stars"] == 200
    assert credits.reserve("p", [("g", 10)])[0] and credits.settle("g") == 10
    assert credits.refund("charge-1") == 50
    assert credits.refund("charge-1") == 0
    assert credits.balance("p") == -8  # they had spent some: the Stars went back all the same
    assert credits.reserve("p", [("g2", 1)]) == (False, -8)
    assert credits.restore("charge-1") == 50 and credits.balance("p") == 42
    totals = credits.day_totals()
    assert (totals["sold"], totals["spent"], totals["refunded"], totals["stars_refunded"]) == (50, 10, 0, 0)
    books_balance(credits, "p")


def test_stale_holds_are_listed_for_the_sweep(redis_client: redis.Redis) -> None:
    credits = Credits(redis_client, free=5)
    credits.reserve("p", [("old", 1)], at=1000.0)
    credits.reserve("p", [("new", 1)], at=5000.0)
    assert credits.stale_holds(600, at=2000.0) == ["old"]
    credits.release("old")
    assert credits.stale_holds(600, at=99999.0) == ["new"]


def test_holds_left_by_a_dead_process_end_by_what_became_of_their_picture(redis_client: redis.Redis) -> None:
    from worker.records import gen_key

    credits = Credits(redis_client, free=9)
    credits.reserve("p", [("sent", 3), ("gone", 3), ("still", 3)], at=1000.0)
    redis_client.hset(gen_key("sent"), "state", "delivered")
    redis_client.hset(gen_key("still"), "state", "running")
    # "gone": its record was forgotten with the person's data, or expired
    assert credits.end_stale(600, at=5000.0) == 2
    account = credits.account("p")
    assert (account.spent, account.held, account.balance) == (3, 3, 3), "one spent, one back, one still making"
    assert credits.end_stale(600, at=5000.0) == 0, "each ends once"


def test_randomized_run_with_faults_balances_to_the_credit(redis_client: redis.Redis) -> None:
    """A few hundred operations across people and threads: duplicated payments, settles racing
    releases, double refunds, restores, a client that dies after its script ran and retries."""
    rng = random.Random(18)
    credits = Credits(redis_client, free=5)
    people = [f"telegram:{n}" for n in range(6)]
    charges: list[str] = []
    holds: list[str] = []
    lock = threading.Lock()

    def one(step: int, rng: random.Random) -> None:
        person = rng.choice(people)
        roll = rng.random()
        if roll < 0.25:
            gens = [(f"g{step}-{i}", rng.randint(0, 4)) for i in range(rng.randint(1, 3))]
            held, _ = credits.reserve(person, gens)
            if rng.random() < 0.2:
                credits.reserve(person, gens)  # the client timed out and retried
            if held:
                with lock:
                    holds.extend(g for g, _ in gens)
        elif roll < 0.5 and holds:
            gen = rng.choice(holds)
            end = credits.settle if rng.random() < 0.6 else credits.release
            end(gen)
            if rng.random() < 0.3:
                (credits.release if end == credits.settle else credits.settle)(gen)  # the race
        elif roll < 0.7:
            charge = f"c{step}"
            credits.grant(person, charge, rng.choice((10, 50, 200)), stars=rng.choice((50, 200, 700)))
            with lock:
                charges.append(charge)
            if rng.random() < 0.3:
                credits.grant(person, charge, 10, stars=50)  # Telegram delivered it twice
        elif roll < 0.8:
            credits.grant(person, f"op{step}", rng.randint(1, 5))
        elif roll < 0.92 and charges:
            charge = rng.choice(charges)
            credits.refund(charge)
            if rng.random() < 0.3:
                credits.refund(charge)
            if rng.random() < 0.2:
                credits.restore(charge)  # refundStarPayment refused
        else:
            credits.account(person)

    def worker(seed: int) -> None:
        local = random.Random(seed)
        for step in range(100):
            one(seed * 1000 + step, local)

    threads = [threading.Thread(target=worker, args=(rng.randint(1, 10**6),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for person in people:
        books_balance(credits, person)
    for gen in holds:  # every picture ends, one way or the other
        credits.release(gen)
    sold = 0
    for person in people:
        a = credits.account(person)
        assert a.held == 0
        assert a.granted + a.free == a.spent + a.refunded + a.balance
        sold += a.granted
    granted_once = sum(c.credits for c in (credits.charge(x) for x in charges) if c is not None)
    totals = credits.day_totals()
    assert totals.get("sold", 0) + totals.get("given", 0) == sold
    assert totals.get("sold", 0) == granted_once
    spent = sum(credits.account(p).spent for p in people)
    assert totals.get("spent", 0) == spent
