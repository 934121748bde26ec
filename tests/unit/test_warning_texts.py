"""What the admins read of each warning: every cause raised, repeated and resolved, in both
languages, with what it is about escaped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from bot.outbox.warnings import warning_text
from catalog.services.warnings import Cause, State, Telling

SINCE = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội
DETAILS = {
    Cause.outbox_stuck: ("groups", {"count": 12, "minutes": 14}),
    Cause.group_unreachable: ("7", {"producer_id": 7, "error": "Forbidden: <kicked>"}),
    Cause.zalo_unreachable: ("z1", {"name": "<Lan>", "error": "chat not found"}),
    Cause.zalo_quota: ("", {"used": 2750, "quota": 3000}),
    Cause.redis_lost: ("web-1:8081", {"error": "Connection refused"}),
    Cause.payment_signature: ("sepay", {}),
    Cause.backup_failed: ("", {"error": "disk <full>"}),
    Cause.messenger_restricted: ("", {"error": "(#10) <restricted>"}),
}


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n("vi")


def text(i18n: I18n, language: str, cause: Cause, state: State) -> str:
    subject, detail = DETAILS[cause]
    payload = Telling(cause, subject, state, SINCE, detail).payload()
    with i18n.context(), i18n.use_locale(language):
        return warning_text(payload, "Gốm &lt;Bát Tràng&gt;")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_cause_says_something_of_its_own_raised_and_resolved(
    i18n: I18n, language: str
) -> None:
    raised = [text(i18n, language, cause, State.raised) for cause in Cause]
    resolved = [text(i18n, language, cause, State.resolved) for cause in Cause]
    assert len(set(raised)) == len(Cause)
    assert len(set(resolved)) == len(Cause)
    assert all(t.startswith("⚠️") for t in raised)
    assert all(t.startswith("✅") for t in resolved)


def test_a_repeated_warning_says_since_when_in_vietnam_time(i18n: I18n) -> None:
    repeated = text(i18n, "en", Cause.outbox_stuck, State.repeated)
    assert repeated.startswith(text(i18n, "en", Cause.outbox_stuck, State.raised))
    assert repeated.endswith("Still so, since 03/12/2026 08:30.")


def test_warnings_name_what_they_are_about_escaped(i18n: I18n) -> None:
    assert "12" in text(i18n, "en", Cause.outbox_stuck, State.raised)
    assert "producers' groups" in text(i18n, "en", Cause.outbox_stuck, State.raised)
    assert "nhóm của nhà sản xuất" in text(i18n, "vi", Cause.outbox_stuck, State.raised)
    assert "Forbidden: &lt;kicked&gt;" in text(i18n, "en", Cause.group_unreachable, State.raised)
    assert "&lt;Lan&gt;" in text(i18n, "vi", Cause.zalo_unreachable, State.raised)
    assert "web-1:8081" in text(i18n, "en", Cause.redis_lost, State.resolved)
    assert "disk &lt;full&gt;" in text(i18n, "en", Cause.backup_failed, State.raised)
    assert "sepay" in text(i18n, "vi", Cause.payment_signature, State.raised)
    assert "(#10) &lt;restricted&gt;" in text(i18n, "en", Cause.messenger_restricted, State.raised)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_group_that_refuses_posts_is_told_apart_from_a_group_out_of_reach(
    i18n: I18n, language: str
) -> None:
    muted = {"producer_id": 7, "error": "Bad Request: <no rights>", "may_not_post": True}

    def said(detail: dict[str, object], state: State) -> str:
        payload = Telling(Cause.group_unreachable, "7", state, SINCE, detail).payload()
        with i18n.context(), i18n.use_locale(language):
            return warning_text(payload, "Gốm")

    gone = DETAILS[Cause.group_unreachable][1]
    assert said(muted, State.raised) != said(gone, State.raised)
    assert said(muted, State.resolved) != said(gone, State.resolved)
    assert said(muted, State.raised).startswith("⚠️")
    assert said(muted, State.resolved).startswith("✅")
    assert "Bad Request: &lt;no rights&gt;" in said(muted, State.raised)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_signature_warning_names_the_producer_whose_account_the_refused_one_named(
    i18n: I18n, language: str
) -> None:
    detail = {"producer_id": 7}
    payload = Telling(Cause.payment_signature, "casso", State.raised, SINCE, detail).payload()
    with i18n.context(), i18n.use_locale(language):
        said = warning_text(payload, "Gốm &lt;Bát Tràng&gt;")
    assert "casso" in said
    assert "Gốm &lt;Bát Tràng&gt;" in said
    assert "Bát Tràng" not in text(i18n, language, Cause.payment_signature, State.raised)
