"""First contact: the greeting and the main menu, help, and a link's landing — a QR code, a
poster or a shared link opens a product card or a producer's shop."""

from __future__ import annotations

from catalog.links import DeepLink, LinkTarget, parse_payload
from catalog.lookup import find_producer, find_product
from catalog.services import links as link_service
from catalog.services import users
from catalog.services.links import Visitor
from catalog.snapshot import CatalogSnapshot, ProducerView, ProductView
from locales.translation import gettext as _
from storefront.actions import View
from storefront.browse import home_screen, list_screen
from storefront.card import landing_card
from storefront.format import esc, language
from storefront.menu import MAIN_MENU
from storefront.screens import Screen
from storefront.visit import Visit


def help_text() -> str:
    return "\n".join(
        (
            _("<b>How to shop here</b>"),
            _(
                "Browse the catalog of Hanoi's OCOP products, put what you like in the cart, "
                "then give a phone number and a delivery address. "
                "Pay cash on delivery or by bank transfer (VietQR)."
            ),
            "",
            _("/start — main menu"),
            _("/language — Tiếng Việt or English"),
            _("/help — this help"),
        )
    )


async def register(visit: Visit) -> None:
    """Note who the person is; a returning person whose names are unchanged costs no write."""
    person = visit.person
    fresh = users.Registration.of(
        person.first_name, person.last_name, person.username, person.language_code
    )
    if visit.language_cache.registration(person.user_id) != fresh:
        profile = await users.register_user(
            visit.uow,
            user_id=person.user_id,
            first_name=person.first_name,
            last_name=person.last_name,
            username=person.username,
            language_code=person.language_code,
        )
        visit.language_cache.put(person.user_id, profile.language, fresh)


async def greet(visit: Visit) -> None:
    await visit.state.clear()
    await register(visit)
    name = visit.person.first_name
    if name:
        text = _(
            "Hello, {name}! 👋\n"
            "Welcome to the OCOP shop: products of Hanoi's craft villages and cooperatives, "
            "certified under the One Commune, One Product programme.\n"
            "Choose from the menu below."
        ).format(name=esc(name))
    else:
        # Some channels do not tell a person's name (Messenger, without extra permission).
        text = _(
            "Hello! 👋\n"
            "Welcome to the OCOP shop: products of Hanoi's craft villages and cooperatives, "
            "certified under the One Commune, One Product programme.\n"
            "Choose from the menu below."
        )
    note = await visit.staff.greeting() if visit.staff else None
    if note:
        text += "\n\n" + note
    await visit.out.send(Screen(text, keyboard=MAIN_MENU))
    if visit.staff:
        await visit.staff.greeted()


async def show_help(visit: Visit) -> None:
    text = help_text()
    note = await visit.staff.help() if visit.staff else None
    if note:
        text += "\n\n" + note
    await visit.out.send(Screen(text, keyboard=MAIN_MENU))


def _resolve(
    snapshot: CatalogSnapshot, link: DeepLink | None
) -> ProductView | ProducerView | None:
    if link is None:
        return None
    if link.target == LinkTarget.product:
        return find_product(snapshot, link.key)
    return find_producer(snapshot, link.key)


async def open_link(visit: Visit, payload: str | None) -> None:
    """A link opened: what it shows, or the usual welcome and the catalog when it shows
    nothing (mistyped, cut short, or about something gone)."""
    link = parse_payload(payload)
    snapshot = await visit.catalog.get()
    target = _resolve(snapshot, link)
    if link is None or target is None:
        await greet(visit)
        await visit.out.send(
            Screen(
                _("This link does not lead to anything in the shop. Have a look at the catalog:")
            )
        )
        await visit.out.send(home_screen())
        return
    await visit.state.clear()
    person = visit.person
    product = target if isinstance(target, ProductView) else None
    producer_id = target.producer_id if isinstance(target, ProductView) else target.id
    first_contact = await link_service.record_visit(
        visit.uow,
        visitor=Visitor(
            user_id=person.user_id,
            first_name=person.first_name,
            last_name=person.last_name,
            username=person.username,
            language_code=person.language_code,
            new=person.new,
        ),
        source=link.source,
        producer_id=producer_id,
        product_id=product.id if product else None,
    )
    if first_contact:
        if person.first_name:
            hello = _(
                "Hello, {name}! 👋 Welcome to the OCOP shop: products of Hanoi's craft "
                "villages and cooperatives. Here is what your link shows; the menu below "
                "has the rest."
            ).format(name=esc(person.first_name))
        else:
            hello = _(
                "Hello! 👋 Welcome to the OCOP shop: products of Hanoi's craft villages and "
                "cooperatives. Here is what your link shows; the menu below has the rest."
            )
        await visit.out.send(Screen(hello, keyboard=MAIN_MENU))
    if product is not None and not product.active:
        await visit.out.send(
            Screen(
                _("{name} is not on sale at the moment. Have a look at the catalog:").format(
                    name=esc(product.name(language()))
                )
            )
        )
        await visit.out.send(home_screen())
    elif product is not None:
        await visit.out.send(landing_card(snapshot, product))
    else:
        screen = list_screen(snapshot, View.producer, producer_id, 0)
        assert screen is not None
        await visit.out.send(screen)
