"""The catalog as a spreadsheet through the bot: /export, and a .csv/.xlsx file sent to import."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from catalog.services import catalog_io
from catalog.services.inventory import Actor
from catalog.spreadsheet import (
    MAX_FILE_BYTES,
    ImportProblem,
    Problem,
    RowError,
    SpreadsheetRejected,
    write_catalog,
)
from catalog.text import N_
from catalog.uow import UnitOfWork
from handlers.access import Acting, refuse
from handlers.settings import Settings
from handlers.tools import usage
from storefront.format import esc

FORMATS = (".csv", ".xlsx")
SHOWN_PROBLEMS = 25

PROBLEMS: dict[str, str] = {
    Problem.not_a_spreadsheet: N_("not a .csv or .xlsx spreadsheet"),
    Problem.too_large: N_("the file is too large (at most 10 MB)"),
    Problem.bad_encoding: N_("the text is not UTF-8: save the CSV as “CSV UTF-8”"),
    Problem.empty_file: N_("the file has no products"),
    Problem.missing_column: N_("a required column is missing"),
    Problem.unknown_column: N_("a column we do not know"),
    Problem.duplicate_column: N_("the column appears twice"),
    Problem.formula: N_("a formula: type the value itself"),
    Problem.empty_value: N_("empty, but required"),
    Problem.too_long: N_("too long"),
    Problem.control_character: N_("contains a control character"),
    Problem.bad_sku: N_("a SKU has only letters, digits, “-”, “_” and “.”, no spaces"),
    Problem.sku_too_long: N_("a SKU has at most 32 characters"),
    Problem.duplicate_sku: N_("this SKU is already on another row"),
    Problem.bad_producer_code: N_("a producer code has 2 to 12 letters or digits"),
    Problem.producer_mismatch: N_("the same producer code with other names on another row"),
    Problem.category_mismatch: N_("the same category with another English name on another row"),
    Problem.bad_price: N_("a price is a whole number of đồng, like 180000"),
    Problem.price_too_large: N_("the price must be more than 0 and at most 1,000,000,000"),
    Problem.bad_stock: N_("stock is a whole number, 0 or more"),
    Problem.bad_stars: N_("OCOP stars are 3, 4 or 5"),
    Problem.bad_year: N_("not a year an OCOP rating could have"),
    Problem.bad_date: N_(
        "a date like 15/03/2024 (day first) or 2024-03-15, or a year, from 2010 to next year"
    ),
    Problem.year_mismatch: N_("another year than the grant date in ocop_granted"),
    Problem.bad_active: N_("use true or false"),
    Problem.photo_outside: N_("the photo path must stay inside the file's folder"),
    Problem.photo_missing: N_("the photo file is missing"),
    Problem.bad_bank_bin: N_("not a bank of the VietQR list: its BIN (970422) or name (MB)"),
    Problem.bad_bank_account: N_("an account number is 6 to 19 digits"),
    Problem.bad_bank_holder: N_("the account holder's name, as the bank prints it"),
    Problem.bank_incomplete: N_("a bank needs all three: bank, account number and holder"),
    Problem.bank_mismatch: N_("the same producer with another bank account on another row"),
    ImportProblem.not_your_producer: N_("this product belongs to another producer"),
    ImportProblem.unknown_category: N_("no such category"),
    ImportProblem.photo_not_image: N_("the photo is not an image"),
}


def problem_line(error: RowError) -> str:
    reason = _(PROBLEMS.get(error.problem, error.problem))
    where = []
    if error.line is not None:
        where.append(_("row {number}").format(number=error.line))
    if error.column:
        where.append(esc(error.column))
    value = f" (“{esc(error.value)}”)" if error.value else ""
    return f"• {', '.join(where) + ': ' if where else ''}{reason}{value}"


async def cmd_export(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor
) -> None:
    kind = (command.args or "xlsx").strip().lower().lstrip(".")
    if f".{kind}" not in FORMATS:
        await message.answer(usage("/export [xlsx|csv]", "/export csv"))
        return
    rows = await catalog_io.export_catalog(
        uow, only_producer_id=None if actor.is_admin else actor.producer_id
    )
    data = write_catalog(rows, f"catalog.{kind}")
    await message.answer_document(
        BufferedInputFile(data, filename=f"ocop-catalog.{kind}"),
        caption=_(
            "📄 The catalog: {count} products. Edit it and send it back to import it."
        ).format(count=len(rows)),
    )


async def on_document(
    message: Message, uow: UnitOfWork, actor: Actor, settings: Settings, bot: Bot
) -> None:
    document = message.document
    assert document is not None
    name = document.file_name or "file"
    if PurePosixPath(name.lower()).suffix not in FORMATS:
        await message.answer(_("Send the catalog as a .csv or .xlsx file."))
        return
    if (document.file_size or 0) > MAX_FILE_BYTES:
        await message.answer(_("The file is too large: at most 10 MB."))
        return
    buffer = io.BytesIO()
    await bot.download(document, destination=buffer)
    try:
        report = await catalog_io.import_spreadsheet(
            uow,
            buffer.getvalue(),
            name,
            actor_id=actor.user_id,
            media_dir=settings.media_dir,
            only_producer_id=None if actor.is_admin else actor.producer_id,
        )
    except SpreadsheetRejected as err:
        lines = [
            ngettext(
                "❌ Nothing was imported: {count} problem. Fix it and send the file again.",
                "❌ Nothing was imported: {count} problems. Fix them and send the file again.",
                len(err.errors),
            ).format(count=len(err.errors))
        ]
        lines += [problem_line(error) for error in err.errors[:SHOWN_PROBLEMS]]
        if len(err.errors) > SHOWN_PROBLEMS:
            lines.append(_("…and {count} more.").format(count=len(err.errors) - SHOWN_PROBLEMS))
        await message.answer("\n".join(lines))
        return
    await message.answer(report_text(report))


def report_text(report: catalog_io.ImportReport) -> str:
    """What an import did, and how it read each row's stock and the columns it lacked."""
    lines = [
        _("✅ Imported: {created} new, {updated} updated, {unchanged} unchanged.").format(
            created=report.created, updated=report.updated, unchanged=report.unchanged
        )
    ]
    if report.stock_changes:
        lines.append(
            ngettext(
                "📦 {count} row has the stock it was exported with (stock_at_export): what you "
                "typed in “stock” was applied as a change to today's stock, so units sold since "
                "the export stay sold.",
                "📦 {count} rows have the stock they were exported with (stock_at_export): what "
                "you typed in “stock” was applied as a change to today's stock, so units sold "
                "since the export stay sold.",
                report.stock_changes,
            ).format(count=report.stock_changes)
        )
    if report.stock_moved:
        lines.append(
            _("{count} of them had been sold or restocked since the export.").format(
                count=report.stock_moved
            )
        )
    if report.stock_as_typed:
        lines.append(
            ngettext(
                "📦 {count} row without the stock at export (a new product, or a sheet made by "
                "hand): its stock was set as typed.",
                "📦 {count} rows without the stock at export (new products, or a sheet made by "
                "hand): their stock was set as typed.",
                report.stock_as_typed,
            ).format(count=report.stock_as_typed)
        )
    if report.left_out:
        lines.append(
            _("Not in the file, so left as they were: {columns}.").format(
                columns=", ".join(report.left_out)
            )
        )
    return "\n".join(lines)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_export, Command("export"), Acting())
    router.message.register(refuse, Command("export"))
    router.message.register(on_document, F.document, StateFilter(None), Acting())
    router.message.register(refuse, F.document, StateFilter(None))
    return router
