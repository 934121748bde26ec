"""What every section of the configuration is made of: the error that names a setting, and
the checks settings share."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import AfterValidator, BaseModel, ConfigDict


class ConfigError(Exception):
    """A setting is missing or malformed; ``setting`` names it as the operator wrote it."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


def base_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value.rstrip("/")


def optional(accepts: Callable[[str], object], problem: str) -> AfterValidator:
    """A setting that may be left empty; when set, ``accepts`` it or says ``problem``."""

    def check(value: str) -> str:
        if value and not accepts(value):
            raise ValueError(problem)
        return value

    return AfterValidator(check)


def https_only(value: str) -> bool:
    return value.startswith("https://")


stripped = AfterValidator(str.strip)
base_url_check = AfterValidator(base_url)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
