"""Graph API errors as Meta answers them: ``{"error": {"message", "type", "code",
"error_subcode", "fbtrace_id"}}`` with the HTTP status Graph uses for the code.

Codes and subcodes are Meta's (developers.facebook.com/docs/messenger-platform/error-codes,
send-api error codes, private replies); the message texts follow what Graph has been seen to
answer, "(#code) …". Read the code and subcode, never the text."""

from __future__ import annotations

import secrets
from typing import Any

# HTTP status by code: most errors are 400; app-level throttling 403; Graph's own failures 500.
_HTTP_STATUS = {1: 500, 2: 500, 4: 403, 17: 403}
# Errors Graph marks as worth retrying later.
_TRANSIENT = {1, 2, 4, 17, 32, 613}


class GraphError(Exception):
    """An error answer of the Graph API."""

    def __init__(
        self,
        code: int,
        message: str,
        subcode: int | None = None,
        *,
        kind: str = "OAuthException",
        prefixed: bool = True,
    ) -> None:
        text = f"(#{code}) {message}" if prefixed else message
        super().__init__(text)
        self.code = code
        self.subcode = subcode
        self.message = text
        self.kind = kind
        self.fbtrace_id = secrets.token_urlsafe(8)[:11]

    @property
    def http_status(self) -> int:
        return _HTTP_STATUS.get(self.code, 400)

    def to_api(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.kind, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.code in _TRANSIENT:
            error["is_transient"] = True
        error["fbtrace_id"] = self.fbtrace_id
        return {"error": error}


def invalid(message: str, subcode: int | None = None) -> GraphError:
    """Code 100, an invalid or missing parameter."""
    return GraphError(100, message, subcode)


def bad_token() -> GraphError:
    return GraphError(
        190, "Invalid OAuth access token - Cannot parse access token", prefixed=False
    )


def no_token() -> GraphError:
    return GraphError(2500, "An access token is required to request this resource.")


def unknown_path() -> GraphError:
    return GraphError(2500, "Unknown path components")


def unsupported(method: str, node: str) -> GraphError:
    return GraphError(
        100,
        f"Unsupported {method.lower()} request. Object with ID '{node}' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation.",
        33,
        kind="GraphMethodException",
        prefixed=False,
    )


def no_matching_user() -> GraphError:
    return invalid("No matching user found", 2018001)


def outside_window() -> GraphError:
    return GraphError(
        10,
        "This message is sent outside of allowed window. Learn more about the new policy "
        "here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
        2018278,
    )


def page_restricted() -> GraphError:
    return GraphError(10, "This Page is temporarily restricted from sending messages.", 1893063)


def person_unavailable() -> GraphError:
    return GraphError(551, "This person isn't available right now.", 1545041)


def rate_limited() -> GraphError:
    return GraphError(613, "Calls to this api have exceeded the rate limit.")


def already_replied() -> GraphError:
    return GraphError(10900, "Activity already replied to")


def cannot_reply() -> GraphError:
    return GraphError(10903, "This activity can't be replied to")


def fetch_failed() -> GraphError:
    return invalid("Failed to fetch the file from the url", 2018008)


def upload_failed() -> GraphError:
    return invalid("Upload attachment failure.", 2018047)
