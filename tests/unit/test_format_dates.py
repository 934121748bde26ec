"""Days and moments as people read them: what Babel wrote for dd/MM/yyyy (HH:mm) in vi_VN
and en_GB, without its locale data."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from babel.dates import format_date, format_datetime

from catalog import rules
from locales.translation import use_language
from storefront.format import day, when

BABEL_LOCALES = {"vi": "vi_VN", "en": "en_GB"}
DAYS = [date(2025, 3, 5), date(2026, 12, 31), date(2000, 1, 1), date(987, 7, 9)]
MOMENTS = [
    datetime(2025, 3, 5, 9, 5, tzinfo=UTC),
    datetime(2026, 12, 31, 17, 59, tzinfo=UTC),  # already 1 January in Vietnam
    datetime(2026, 6, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5))),
]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_day_reads_as_babel_wrote_it(language: str) -> None:
    with use_language(language):
        for value in DAYS:
            assert day(value) == format_date(value, "dd/MM/yyyy", locale=BABEL_LOCALES[language])


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_moment_reads_in_vietnam_time_as_babel_wrote_it(language: str) -> None:
    with use_language(language):
        for moment in MOMENTS:
            expected = format_datetime(
                moment.astimezone(rules.SHOP_TIMEZONE),
                "dd/MM/yyyy HH:mm",
                locale=BABEL_LOCALES[language],
            )
            assert when(moment) == expected
    assert when(MOMENTS[1]) == "01/01/2027 00:59"
