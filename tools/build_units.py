"""Build catalog/data/units.json.gz — Vietnam's administrative units — from `vietnam-provinces`.

    .venv/bin/python tools/build_units.py                  # downloads the pinned release with pip
    .venv/bin/python tools/build_units.py --wheel FILE.whl # or reads a wheel you already have

The package is not a dependency of the bot: its newest releases need Python 3.12, and the bot
only needs names. The wheel is unpacked into a temporary directory and read there (its data
modules are plain Python that 3.11 imports). The output keeps names only, never the package's
codes — codes were renumbered between releases — and records the release it came from:

    {"source": "vietnam-provinces", "version": ..., "data_version": ..., "effective": ...,
     "provinces": [[province name, [ward name, ...]], ...],
     "legacy": [[old ward name, old district name, old province name,
                 [[province index, ward index], ...]], ...]}

Indexes point into this file's own "provinces" lists. The file is gzip-compressed with a fixed
timestamp, so rebuilding from the same release gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

PACKAGE = "vietnam-provinces"
VERSION = "2026.9.0"
OUTPUT = Path(__file__).parents[1] / "catalog" / "data" / "units.json.gz"


def download(version: str, directory: Path) -> Path:
    # The release declares Python >= 3.12; its data needs nothing newer than 3.11 to read.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.12",
            f"{PACKAGE}=={version}",
            "--dest",
            str(directory),
        ],
        check=True,
    )
    return next(directory.glob("vietnam_provinces-*.whl"))


def _name(text: str) -> str:
    # Precomposed, and the kind capitalised: one unit is spelt "xã …" in 2026.9.0.
    text = unicodedata.normalize("NFC", text.strip())
    return text[:1].upper() + text[1:]


def build(package_dir: Path) -> dict[str, Any]:
    sys.path.insert(0, str(package_dir))
    vp = importlib.import_module("vietnam_provinces")
    conversion = importlib.import_module("vietnam_provinces._ward_conversion_2025")
    new = importlib.import_module("vietnam_provinces._lookup")
    old = importlib.import_module("vietnam_provinces.legacy._lookup")

    # The Python tables, not the package's JSON files: in 2026.9.0 only the tables carry the
    # 2026 changes (Quảng Ninh a city, for one).
    provinces: list[list[Any]] = []
    position: dict[int, tuple[int, int]] = {}
    province_index: dict[int, int] = {}
    for code, province in new.PROVINCE_MAPPING.items():
        province_index[int(code)] = len(provinces)
        provinces.append([province.name, []])
    for code, ward in new.WARD_MAPPING.items():
        p_index = province_index[int(ward.province_code)]
        wards = provinces[p_index][1]
        position[int(code)] = (p_index, len(wards))
        wards.append(_name(ward.name))

    legacy = []
    for code, entry in sorted(conversion.OLD_TO_NEW.items()):
        # A few rows of the conversion table name old wards the legacy list lacks: no name.
        ward = old.WARD_MAPPING.get(code)
        if ward is None:
            continue
        district = old.DISTRICT_MAPPING[int(ward.district_code)]
        old_province = old.PROVINCE_MAPPING[int(district.province_code)]
        targets = [list(position[ref.code]) for ref in entry.new_wards]
        legacy.append([_name(ward.name), _name(district.name), _name(old_province.name), targets])
    return {
        "source": PACKAGE,
        "version": vp.__version__,
        "data_version": vp.__data_version__,
        "effective": conversion.EFFECTIVE_DATE,
        "provinces": provinces,
        "legacy": legacy,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", type=Path, help="a vietnam_provinces wheel (else pip download)")
    parser.add_argument("--version", default=VERSION, help=f"release to download ({VERSION})")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download(args.version, Path(tmp))
        unpacked = Path(tmp) / "unpacked"
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(unpacked)
        data = build(unpacked)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    wards = sum(len(w) for _, w in data["provinces"])
    print(
        f"{args.output}: {PACKAGE} {data['version']} (data of {data['data_version']}): "
        f"{len(data['provinces'])} provinces, {wards} wards, {len(data['legacy'])} old wards, "
        f"{args.output.stat().st_size:,} bytes"
    )


if __name__ == "__main__":
    main()
