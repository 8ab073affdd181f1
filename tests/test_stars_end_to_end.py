"""Credits paid in Telegram Stars, end to end: the real server (conversation, Redis ledger,
Telegram polling with the payment handlers) and a real ``portraitbot worker --burst`` against
the fake Bot API with Stars payments and the fake fal queue.

A person uses the free credits, is offered /buy, pays, generates; a failed picture gives its
credits back; a payment delivered twice credits once; a payment whose update died with the
process is credited when the bot starts again; an operator's refund takes the credits back."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.fakes.fal_queue import DEFAULT_KEY as FAL_KEY
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.telegram_stars import StarsBotApi
from tests.test_telegram_end_to_end import FACE, ROOT, run_worker, server
from worker.credits import Credits

ANN = 1001
OPERATOR = 9001
PRICE = 2
"""Credits per picture in these tests (MODEL_CREDITS for every fal model)."""
PRICE_WORD = "💳"
"""What marks the price line of an acknowledgement."""


@pytest.fixture
def fake() -> Iterator[StarsBotApi]:
    api = StarsBotApi()
    with api.serve() as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


@pytest.fixture
def fal(fake_fal: tuple[FakeFalQueue, str]) -> FakeFalQueue:  # noqa: F811
    return fake_fal[0]


@pytest.fixture
def env(fake: StarsBotApi, fake_fal: tuple[FakeFalQueue, str], redis_url: str, data_dir: Path) -> dict[str, str]:  # noqa: F811
    prices = ",".join(f"{m}:{PRICE}" for m in ("nano2", "nanopro", "gpt", "flux", "seedream"))
    return {
        "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",  # type: ignore[attr-defined]
        "FAL_KEY": FAL_KEY, "FAL_QUEUE_URL": fake_fal[1],
        "PAYMENTS": "stars", "FREE_CREDITS": str(PRICE), "MODEL_CREDITS": prices,
        "CREDIT_PACKS": "10:50,50:200", "ADMIN_IDS": str(OPERATOR),
    }


async def say(fake: StarsBotApi, chat: int, text: str, **message: Any) -> str:
    """Send ``text`` (or a photo) as Ann and wait for the bot's next message; its text."""
    before = len(fake.sent_to(chat))
    fake.push(fake.message(fake.user(chat), text=text or None, **message))
    await fake.until(lambda: len(fake.sent_to(chat)) > before, timeout=20)
    return fake.texts_to(chat)[before]


async def buy_first_pack(fake: StarsBotApi, **pay: Any) -> dict[str, Any] | None:
    before = len(fake.invoices_to(ANN))
    await say(fake, ANN, "/buy")
    await fake.until(lambda: len(fake.invoices_to(ANN)) >= before + 2, timeout=10)
    return await fake.pay(fake.user(ANN), fake.invoices_to(ANN)[before], **pay)


def books_balance(redis_client: redis.Redis, person: str) -> None:
    account = Credits(redis_client).account(person)
    assert account.held == 0
    assert account.granted + account.free == account.spent + account.refunded + account.balance, account


@pytest.mark.slow
async def test_free_credits_then_buy_pay_generate_fail_and_refund(
    fake: StarsBotApi, fal: FakeFalQueue, env: dict[str, str], redis_url: str, tmp_path: Path
) -> None:
    async with server(env):
        await say(fake, ANN, "", photo=fake.photo_sizes(FACE))
        ack = await say(fake, ANN, "make me anime")
        assert f"{PRICE} credits · 0 left" in ack, ack
        await asyncio.to_thread(run_worker, env, tmp_path)
        assert any("photo" in m for m in fake.sent_to(ANN)), "the free picture arrived"

        short = await say(fake, ANN, "make me anime")
        assert f"costs {PRICE} credits and you have 0" in short and "/buy" in short
        assert "Buy credits" in str(fake.sent_to(ANN)[-1].get("reply_markup")), "a Buy button under it"

        payment = await buy_first_pack(fake, twice=True)
        assert payment is not None and payment["total_amount"] == 50
        (invoice, _) = fake.invoices_to(ANN)
        assert invoice["invoice"]["currency"] == "XTR"
        assert fake.calls_of("sendInvoice")[0].params.get("provider_token", "") == ""
        await fake.until(lambda: any("10 credits added" in t for t in fake.texts_to(ANN)), timeout=10)
        await asyncio.sleep(0.5)  # the second delivery of the same payment has been handled
        assert sum("credits added" in t for t in fake.texts_to(ANN)) == 1, "delivered twice, credited once"
        assert "You have 10 credits" in await say(fake, ANN, "/balance")
        assert "Questions about a payment" in await say(fake, ANN, "/paysupport"), "Telegram requires it"

        fal.completed_error = "Model failed: runner crashed"
        ack = await say(fake, ANN, "make me anime")
        assert f"{PRICE} credits · 8 left" in ack, ack
        await asyncio.to_thread(run_worker, env, tmp_path)
        await fake.until(lambda: any(f"{PRICE} credits are back" in t for t in fake.texts_to(ANN)), timeout=10)
        assert "You have 10 credits" in await say(fake, ANN, "/balance"), "the failed picture cost nothing"

        fal.completed_error = None
        pictures = sum("photo" in m for m in fake.sent_to(ANN))
        await say(fake, ANN, "make me a pixar cartoon")
        await asyncio.to_thread(run_worker, env, tmp_path)
        await fake.until(lambda: sum("photo" in m for m in fake.sent_to(ANN)) > pictures, timeout=10)
        assert "You have 8 credits" in await say(fake, ANN, "/balance")

        answer = await say(fake, OPERATOR, f"/refund {payment['telegram_payment_charge_id']}")
        assert "Refunded 50 Stars" in answer and "balance is -2" in answer, answer
        assert payment["telegram_payment_charge_id"] in fake.refunded
        again = await say(fake, OPERATOR, f"/refund {payment['telegram_payment_charge_id']}")
        assert "refunded before" in again, "a second refund takes nothing more"
        assert "balance is -2" not in again
        assert fake.balance_stars() == 0
        refused = await say(fake, ANN, f"/refund {payment['telegram_payment_charge_id']}")
        assert "Refunded" not in refused, "only operators refund"

        await say(fake, OPERATOR, "/stats")
        await fake.until(lambda: any("Payments by day" in t for t in fake.texts_to(OPERATOR)), timeout=10)
        (day,) = [t for t in fake.texts_to(OPERATOR) if "Payments by day" in t]
        assert "0 ⭐ · sold 10" in day, "50 Stars in, 50 refunded"
        assert f"spent {2 * PRICE}" in day and f"returned {PRICE}" in day and "refunded 10" in day, day
        assert "upstream $0.00" not in day, "what fal charged is there too"

    books_balance(redis.Redis.from_url(redis_url), f"telegram:{ANN}")


@pytest.mark.slow
async def test_a_payment_whose_update_died_with_the_process_is_credited_on_the_next_start(
    fake: StarsBotApi, env: dict[str, str], redis_url: str
) -> None:
    async with server(env):
        await say(fake, ANN, "/start")
        payment = await buy_first_pack(fake, delivered=False)
        assert payment is not None
        await asyncio.sleep(0.5)
        assert not any("credits added" in t for t in fake.texts_to(ANN)), "the update never arrived"
    async with server(env):  # the bot starts again: it reads its Stars history
        await fake.until(lambda: any("10 credits added" in t for t in fake.texts_to(ANN)), timeout=10)
        assert f"You have {PRICE + 10} credits" in await say(fake, ANN, "/balance")
    async with server(env):  # and a third start credits nothing more
        assert f"You have {PRICE + 10} credits" in await say(fake, ANN, "/balance")
    assert sum("credits added" in t for t in fake.texts_to(ANN)) == 1
    books_balance(redis.Redis.from_url(redis_url), f"telegram:{ANN}")


@pytest.mark.slow
async def test_a_group_admin_spends_the_groups_pool_and_everyone_else_their_own(
    fake: StarsBotApi, env: dict[str, str], redis_url: str
) -> None:
    group = fake.group()
    ann, bob = fake.user(ANN), fake.user(1002, name="Bob")
    fake.admins[group["id"]] = [ann]

    async def ask(person: dict[str, Any]) -> str:
        before = len(fake.sent_to(group["id"]))
        fake.push(fake.message(person, chat=group, caption="@PortraitTestBot make me anime",
                               photo=fake.photo_sizes(FACE)))
        await fake.until(lambda: any(PRICE_WORD in t for t in fake.texts_to(group["id"])[before:]), timeout=20)
        return next(t for t in fake.texts_to(group["id"])[before:] if PRICE_WORD in t)

    async with server(env):
        granted = await say(fake, OPERATOR, f"/grant group:{group['id']} 10")
        assert "balance is 10" in granted, granted
        assert "group's pool · 8 left" in await ask(ann)
        assert f"{PRICE} credits · 0 left" in await ask(bob), "Bob is no admin: his own free credits"
        assert f"You have {PRICE} credits" in await say(fake, ANN, "/balance"), "Ann's own are untouched"
    pool = Credits(redis.Redis.from_url(redis_url)).account(f"telegram:group:{group['id']}")
    assert (pool.free, pool.granted, pool.held + pool.balance) == (0, 10, 10), "no free trial for a pool"


@pytest.mark.slow
async def test_a_checkout_for_a_changed_pack_is_refused_with_a_reason(fake: StarsBotApi, env: dict[str, str]) -> None:
    async with server(env):
        await say(fake, ANN, "/start")
        assert await buy_first_pack(fake, total=1) is None, "50 Stars asked, 1 offered: refused"
        (answer,) = [a for a in fake.checkouts.values() if a]
        assert answer["ok"] is False and re.search("no longer offered", answer["error_message"])
        assert await buy_first_pack(fake, payload="credits:999:50") is None
        assert fake.transactions == [], "nothing was paid"
