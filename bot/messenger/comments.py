"""Comments on the Page's posts, answered in private (Meta's private replies): one message
per comment, within 7 days of it, which opens no 24-hour window — the person's answer does.

- A comment added (the Page's ``feed`` webhook) is claimed once, as ``comment:<id>``
  (catalog.services.messenger.first_comment): one that Meta posts again, to this worker or
  another, or after a restart, is answered once.
- The Page's own comments (its answers in public) and comments older than Meta's 7 days are
  left alone.
- What the answer offers is the storefront's (storefront.comments): the products the comment
  names, the post's products for a buying word under a tied post, or the welcome; drawn as
  one message, in the shop's default language (nothing tells the commenter's).
- Graph's answer names the commenter's PSID: the comment counts as the way the person came to
  the shop (source ``comment`` in /stats, with the producer of what was offered), so an order
  that follows counts under it.
- Refusals: 10900 (answered already: a second delivery after the key was forgotten, or
  another tool) and 10903 (too old to answer) are one log line each; the rest are told as
  any refused message is (bot/messenger/troubles.py).

Comments are answered side by side, a few at a time: a livestream brings them in bursts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from bot import metrics
from bot.messenger.drawing import one_message
from bot.messenger.events import CommentAdded
from bot.messenger.graph import GraphClient, GraphError, GraphNetworkError, Trouble
from bot.messenger.output import Pictures
from bot.messenger.troubles import Troubles
from bot.tasks import cancel_and_wait
from catalog import logcontext, rules
from catalog.links import LinkSource
from catalog.models import Channel
from catalog.services import links as link_service
from catalog.services import messenger, posts, users
from catalog.services.links import Visitor
from catalog.snapshot import CatalogCache, ProductView
from catalog.uow import UnitOfWork
from locales.translation import gettext as _
from locales.translation import use_language
from storefront.comments import comment_answer, offered_products

log = logging.getLogger(__name__)

AT_ONCE = 4  # comments answered side by side
REPLY_SECONDS = rules.PRIVATE_REPLY_DAYS * 86400


class CommentReplies:
    def __init__(
        self,
        client: GraphClient,
        uow: Callable[[], UnitOfWork],
        catalog_cache: CatalogCache,
        pictures: Pictures,
        troubles: Troubles,
        default_language: str,
    ) -> None:
        self.client = client
        self._uow = uow
        self.catalog_cache = catalog_cache
        self.pictures = pictures
        self.troubles = troubles
        self.default_language = default_language
        self._turns = asyncio.Semaphore(AT_ONCE)
        self._tasks: set[asyncio.Task[None]] = set()

    def take(self, comments: Sequence[CommentAdded]) -> None:
        for comment in comments:
            task = asyncio.create_task(self.answer(comment), name="messenger-comment")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def join(self, timeout: float) -> None:  # noqa: ASYNC109 - a shutdown's deadline
        """Wait (a while) for the comments taken to be answered; cancel what is left."""
        if not self._tasks:
            return
        _done, left = await asyncio.wait(list(self._tasks), timeout=timeout)
        if left:
            log.warning("messenger: stopping with %d comments not answered", len(left))
            for task in left:
                await cancel_and_wait(task)

    async def answer(self, comment: CommentAdded) -> None:
        key = f"comment:{comment.comment_id}"
        with (
            logcontext.about(update_id=key[:64], channel="messenger"),
            metrics.update_handled("messenger", "comment"),
        ):
            try:
                async with self._turns:
                    await self._answer(comment)
            except Exception:
                log.exception("messenger: comment %s could not be answered", comment.comment_id)
                metrics.update_failed("messenger", "comment")

    async def _answer(self, comment: CommentAdded) -> None:
        if comment.from_id and comment.from_id == self.client.page_id:
            return  # the Page's own answer in the comments
        if comment.created_time and time.time() - comment.created_time > REPLY_SECONDS:
            log.info("messenger: comment %s is too old to answer", comment.comment_id)
            return
        if not await messenger.first_comment(self._uow(), comment.comment_id):
            log.info("messenger: comment %s delivered again; answered once", comment.comment_id)
            return
        tied = await posts.products_of_post(self._uow(), comment.post_id)
        snapshot = await self.catalog_cache.get()
        with use_language(self.default_language):
            products = offered_products(snapshot, comment.text, tied)
            message = one_message(
                comment_answer(snapshot, products),
                view_label=_("🔍 View"),
                picture_url=self.pictures.url,
            )
        try:
            psid = await self.client.private_reply(comment.comment_id, message)
        except GraphError as err:
            if err.trouble in (Trouble.already_replied, Trouble.not_replyable):
                log.info("messenger: comment %s not answered: %s", comment.comment_id, err)
            else:
                self.troubles.note(err, f"the author of comment {comment.comment_id}")
            return
        except GraphNetworkError as err:
            self.troubles.note(err, f"the author of comment {comment.comment_id}")
            return
        self.troubles.got_through()
        if psid is not None:
            await self._count(psid, products)

    async def _count(self, psid: str, products: Sequence[ProductView]) -> None:
        """The comment is how this person came: a visit from the source ``comment``."""
        user_id, new = await users.arriving_on_channel(
            self._uow(), channel=Channel.messenger.value, external_id=psid
        )
        producers = {product.producer_id for product in products}
        await link_service.record_visit(
            self._uow(),
            visitor=Visitor(user_id=user_id, first_name="", new=new),
            source=LinkSource.comment,
            producer_id=producers.pop() if len(producers) == 1 else None,
            product_id=products[0].id if len(products) == 1 else None,
        )
