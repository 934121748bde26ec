"""tools/build_units.py: names out of a vietnam-provinces release, never its codes."""

import gzip
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).parents[2] / "tools" / "build_units.py"

# A release as small as can be, laid out as vietnam-provinces 2026.9.0 lays out its tables.
FAKE_RELEASE = {
    "__init__.py": """
__version__ = "2099.1.0"
__data_version__ = "2099-01-02"
""",
    "_lookup.py": """
from types import SimpleNamespace as U
PROVINCE_MAPPING = {
    1: U(name="Thành phố Hà Nội", code=1),
    79: U(name="Thành phố Hồ Chí Minh", code=79),
}
WARD_MAPPING = {
    70: U(name="Phường Hoàn Kiếm", province_code=1),
    166: U(name="xã Bát Tràng", province_code=1),
    26740: U(name="Phường Bến Thành", province_code=79),
    4: U(name="Phường Cầu Giấy", province_code=1),
}
""",
    "_ward_conversion_2025.py": """
from types import SimpleNamespace as U
EFFECTIVE_DATE = "2025-07-01"
OLD_TO_NEW = {
    # Old ward 500 (Dịch Vọng) went to new ward 4; the codes need not agree between tables.
    500: U(new_wards=(U(code=4, province_code=1),)),
    501: U(new_wards=(U(code=70, province_code=1), U(code=4, province_code=1))),
    999: U(new_wards=(U(code=70, province_code=1),)),  # no such old ward: skipped
}
""",
    "legacy/__init__.py": "",
    "legacy/_lookup.py": """
from types import SimpleNamespace as U
PROVINCE_MAPPING = {1: U(name="Thành phố Hà Nội")}
DISTRICT_MAPPING = {5: U(name="Quận Cầu Giấy", province_code=1)}
WARD_MAPPING = {
    500: U(name="Phường Dịch Vọng", district_code=5),
    501: U(name="Phường Quan Hoa", district_code=5),
}
""",
}


@pytest.fixture
def tool(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    # The tool imports the release by name: leave no trace of it for other tests.
    for name in [n for n in sys.modules if n.startswith("vietnam_provinces")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "path", list(sys.path))
    spec = importlib.util.spec_from_file_location("build_units", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    for name in [n for n in sys.modules if n.startswith("vietnam_provinces")]:
        del sys.modules[name]


def test_the_data_file_holds_names_and_the_release_it_came_from(
    tool: ModuleType, tmp_path: Path
) -> None:
    package = tmp_path / "release" / "vietnam_provinces"
    for path, text in FAKE_RELEASE.items():
        (package / path).parent.mkdir(parents=True, exist_ok=True)
        (package / path).write_text(text, encoding="utf-8")

    data = tool.build(tmp_path / "release")

    assert (data["source"], data["version"], data["data_version"], data["effective"]) == (
        "vietnam-provinces",
        "2099.1.0",
        "2099-01-02",
        "2025-07-01",
    )
    assert data["provinces"] == [
        ["Thành phố Hà Nội", ["Phường Hoàn Kiếm", "Xã Bát Tràng", "Phường Cầu Giấy"]],
        ["Thành phố Hồ Chí Minh", ["Phường Bến Thành"]],
    ]
    assert data["legacy"] == [
        ["Phường Dịch Vọng", "Quận Cầu Giấy", "Thành phố Hà Nội", [[0, 2]]],
        ["Phường Quan Hoa", "Quận Cầu Giấy", "Thành phố Hà Nội", [[0, 0], [0, 2]]],
    ]
    assert "code" not in json.dumps(data)


def test_the_shipped_file_is_compact_and_reproducible_gzip() -> None:
    shipped = Path(__file__).parents[2] / "catalog" / "data" / "units.json.gz"
    raw = shipped.read_bytes()
    assert len(raw) < 200_000
    assert raw[4:8] == b"\0\0\0\0"  # no timestamp: the same release gives the same bytes
    data = json.loads(gzip.decompress(raw))
    assert data["source"] == "vietnam-provinces"
    assert len(data["provinces"]) == 34
