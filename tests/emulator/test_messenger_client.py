"""The shop's Graph client against the Messenger emulator: what it sends is accepted as Meta
documents it, and Graph's refusals are told apart by code and subcode."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from prometheus_client import REGISTRY
from support.messenger import png

from bot import metrics
from bot.messenger import profile
from bot.messenger.graph import GraphClient, GraphError, MessagingType, Trouble
from bot.messenger.sender import utility_message
from emulators.messenger import MessengerEmulator, errors
from locales.translation import use_language


@pytest.fixture
async def client(meta: MessengerEmulator) -> AsyncIterator[GraphClient]:
    graph = GraphClient(f"{meta.base_url}/v25.0", meta.page.id, meta.page.token)
    yield graph
    await graph.close()


async def test_messages_and_typing_reach_the_person(
    meta: MessengerEmulator, client: GraphClient
) -> None:
    lan = meta.person("Lan")
    await lan.send("xin chào")
    await client.sender_action(lan.psid, "typing_on")
    assert lan.typing
    await client.send(lan.psid, {"text": "Chào bạn"})
    message = await lan.next_message()
    assert (message.text, message.messaging_type) == ("Chào bạn", "RESPONSE")
    assert not lan.typing
    await client.send(lan.psid, {"text": "Đơn đã giao"}, MessagingType.update)
    assert (await lan.next_message()).messaging_type == "UPDATE"


async def test_an_uploaded_picture_is_sent_again_by_its_id(
    meta: MessengerEmulator, client: GraphClient
) -> None:
    lan = meta.person("Lan")
    await lan.send("mã QR?")
    attachment = await client.upload_image(png(), "vietqr-DH00001.png")
    for _ in range(2):
        image = {"attachment": {"type": "image", "payload": {"attachment_id": attachment}}}
        await client.send(lan.psid, image)
        assert (await lan.next_message()).content.attachment_id == attachment


@pytest.mark.parametrize(
    ("error", "trouble"),
    [
        (errors.person_unavailable(), Trouble.unavailable),
        (errors.outside_window(), Trouble.outside_window),
        (errors.page_restricted(), Trouble.restricted),
        (errors.invalid("param recipient must be a JSON object"), Trouble.invalid),
        (errors.bad_token(), Trouble.token),
        (errors.GraphError(200, "Permissions error"), Trouble.permission),
    ],
)
async def test_refusals_are_told_apart_by_code_and_subcode(
    meta: MessengerEmulator, client: GraphClient, error: errors.GraphError, trouble: Trouble
) -> None:
    lan = meta.person("Lan")
    await lan.send("xin chào")
    meta.fail_sends(error)
    with pytest.raises(GraphError) as raised:
        await client.send(lan.psid, {"text": "…"})
    assert raised.value.trouble == trouble
    assert not raised.value.passing


async def test_rate_limits_and_graphs_own_failures_are_tried_again(
    meta: MessengerEmulator, client: GraphClient
) -> None:
    lan = meta.person("Lan")
    await lan.send("xin chào")
    meta.fail_sends(errors.rate_limited(), errors.GraphError(2, "An unexpected error"))
    await client.send(lan.psid, {"text": "Được rồi"})
    assert (await lan.next_message()).text == "Được rồi"
    meta.fail_sends(*(errors.GraphError(4, "Application request limit reached"),) * 3)
    with pytest.raises(GraphError) as raised:
        await client.send(lan.psid, {"text": "…"})
    assert raised.value.trouble == Trouble.rate_limited
    assert raised.value.passing


@pytest.fixture
def counting() -> Iterator[None]:
    metrics.switch_on()
    yield
    metrics.switch_off()


def calls(method: str, code: str) -> float:
    labels = {"channel": "messenger", "method": method, "code": code}
    return REGISTRY.get_sample_value("ocop_api_calls_total", labels) or 0.0


async def test_every_attempt_is_counted_by_what_it_does_and_how_graph_answered(
    meta: MessengerEmulator, client: GraphClient, counting: None
) -> None:
    answers = [("send", c) for c in ("200", "429", "5xx", "400")]
    answers += [("sender_action", "200"), ("upload", "200")]
    before = {answer: calls(*answer) for answer in answers}
    lan = meta.person("Lan")
    await lan.send("xin chào")
    await client.sender_action(lan.psid, "typing_on")
    await client.upload_image(png(), "vietqr-DH00001.png")
    # A rate limit (613, HTTP 400) and Graph's own failure (2, HTTP 500), then through.
    meta.fail_sends(errors.rate_limited(), errors.GraphError(2, "An unexpected error"))
    await client.send(lan.psid, {"text": "Được rồi"})
    meta.fail_sends(errors.page_restricted())
    with pytest.raises(GraphError):
        await client.send(lan.psid, {"text": "…"})
    counted = {answer: calls(*answer) - before[answer] for answer in answers}
    assert counted == {
        ("send", "200"): 1,
        ("send", "429"): 1,
        ("send", "5xx"): 1,
        ("send", "400"): 1,
        ("sender_action", "200"): 1,
        ("upload", "200"): 1,
    }
    labels = {"channel": "messenger", "method": "send"}
    assert REGISTRY.get_sample_value("ocop_api_call_seconds_count", labels)


async def test_the_pages_profile_and_subscription_are_accepted(
    meta: MessengerEmulator, client: GraphClient
) -> None:
    await client.subscribe_app(profile.FIELDS)
    assert meta.page.subscribed_fields == profile.FIELDS
    await client.set_profile(profile.profile("vi"))
    menus = {menu["locale"]: menu for menu in meta.page.profile["persistent_menu"]}
    assert set(menus) == {"default", "en_US", "en_GB"}
    assert menus["default"]["call_to_actions"][0]["title"] == "🛍 Danh mục"
    assert menus["en_US"]["call_to_actions"][0]["title"] == "🛍 Catalog"
    lan = meta.person("Lan")
    await lan.get_started(ref="pp_QUANGVINH-SEN-AC")
    await lan.tap_menu("🛒 Giỏ hàng")
    mary = meta.person("Mary", locale="en_US")
    await mary.get_started()
    await mary.tap_menu("🛒 Cart")


async def test_a_utility_template_goes_outside_the_window(
    meta: MessengerEmulator, client: GraphClient
) -> None:
    meta.add_utility_template("order_update", "Đơn {{1}}: {{2}}", language="vi")
    lan = meta.person("Lan")
    await lan.send("xin chào")
    meta.clock.advance(hours=25)
    with pytest.raises(GraphError) as raised:
        await client.send(lan.psid, {"text": "Đơn đã giao"}, MessagingType.update)
    assert raised.value.trouble == Trouble.outside_window
    with use_language("vi"):
        message = utility_message("order_update:vi", "DH00001", "Đơn đã được nhận.")
    await client.send(lan.psid, message, MessagingType.utility)
    news = await lan.next_message()
    assert news.text == "Đơn DH00001: Đơn đã được nhận."
    assert news.messaging_type == "UTILITY"
