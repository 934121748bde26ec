"""Admins: the Facebook Page's posts tied to products. A comment saying "chốt" or "mua" under
a tied post (a livestream's) is answered on Messenger with exactly those products.

- ``/post POST SKU [SKU …]`` ties the post to the products (at most ten, a carousel's worth),
  instead of what it was tied to; ``/post POST`` shows them; ``/post`` lists the posts tied
  most recently; ``/unpost POST`` unties it.
- POST is Graph's id of the post (``<page id>_<number>``), the post's number alone, or a link
  to the post that holds its number (``…/posts/<number>``, ``story_fbid=<number>``,
  ``…/videos/<number>``).
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from catalog import rules
from catalog.services import posts
from catalog.services.inventory import Actor, UnknownSku
from catalog.services.posts import TooManyProducts
from catalog.snapshot import CatalogCache, CatalogSnapshot
from catalog.uow import UnitOfWork
from handlers.access import Acting, Who, refuse
from handlers.settings import Settings
from handlers.staff import unknown_sku_text
from handlers.tools import usage
from storefront.format import esc, language

USAGE = ("/post POST_ID SKU [SKU …]", "/post 101010101010101_2233445566 BABE-SA-10")


def _which_post() -> str:
    text = usage(*USAGE)
    hint = _(
        "POST_ID is the post's id (the Page's id, “_” and the post's number), the post's "
        "number alone, or a link to the post with its number in it (…/posts/123…)."
    )
    return f"{text}\n{hint}"


def _products(snapshot: CatalogSnapshot, product_ids: Sequence[int]) -> list[str]:
    lang = language()
    lines = []
    for product_id in product_ids:
        product = snapshot.products.get(product_id)
        if product is not None:
            hidden = " 🙈" if not product.active else ""
            lines.append(f"• {esc(product.name(lang))} (<code>{esc(product.sku)}</code>){hidden}")
    return lines


async def cmd_post(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    actor: Actor,
    settings: Settings,
    catalog_cache: CatalogCache,
) -> None:
    parts = (command.args or "").split()
    if not parts:
        await _list(message, uow, actor, catalog_cache)
        return
    post_id = rules.parse_post_id(parts[0], settings.messenger_page_id)
    if post_id is None or not all(rules.is_sku(sku) for sku in parts[1:]):
        await message.answer(_which_post())
        return
    if len(parts) == 1:
        product_ids: Sequence[int] = await posts.products_of_post(uow, post_id)
    else:
        try:
            tied = await posts.tie_post(uow, actor=actor, post_id=post_id, skus=parts[1:])
        except UnknownSku as err:
            await message.answer(unknown_sku_text(err))
            return
        except TooManyProducts as err:
            text = _("A post can be tied to {limit} products at most (one carousel of cards).")
            await message.answer(text.format(limit=err.limit))
            return
        product_ids = tied.product_ids
    if not product_ids:
        text = _("Post {post} is not tied to products.").format(post=esc(post_id))
        await message.answer(f"{text}\n{usage(*USAGE)}")
        return
    lines = [_("📌 Post <code>{post}</code> is tied to:").format(post=esc(post_id))]
    lines += _products(await catalog_cache.get(), product_ids)
    lines += [
        "",
        _(
            "A comment with “chốt” or “mua” under it is answered in private on Messenger "
            "with these products."
        ),
    ]
    await message.answer("\n".join(lines))


async def _list(
    message: Message, uow: UnitOfWork, actor: Actor, catalog_cache: CatalogCache
) -> None:
    tied = await posts.tied_posts(uow, actor=actor)
    if not tied:
        await message.answer(_("No post is tied to products yet.") + "\n" + usage(*USAGE))
        return
    snapshot = await catalog_cache.get()
    lines = [_("📌 <b>Posts tied to products</b>")]
    for post in tied:
        lines += ["", f"<code>{esc(post.post_id)}</code>", *_products(snapshot, post.product_ids)]
    await message.answer("\n".join(lines))


async def cmd_unpost(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor, settings: Settings
) -> None:
    post_id = rules.parse_post_id((command.args or "").strip(), settings.messenger_page_id)
    if post_id is None:
        await message.answer(usage("/unpost POST_ID", "/unpost 101010101010101_2233445566"))
        return
    if await posts.untie_post(uow, actor=actor, post_id=post_id):
        text = _(
            "Post {post} is no longer tied to products: a comment under it gets the shop's "
            "welcome, or the products whose codes it names."
        )
    else:
        text = _("Post {post} is not tied to products.")
    await message.answer(text.format(post=esc(post_id)))


def create_router() -> Router:
    router = Router(name=__name__)
    admins = Acting(Who.admins)
    router.message.register(cmd_post, Command("post"), admins)
    router.message.register(cmd_unpost, Command("unpost"), admins)
    router.message.register(refuse, Command("post", "unpost"))
    return router
