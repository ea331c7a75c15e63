"""The assist request as typed models, with errors that name the offending field."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
    field_validator,
)

from calmdesk.errors import InvalidInput


class Message(BaseModel):
    """One message of the conversation, as the client or the employee wrote it."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["client", "agent"]
    text: StrictStr
    kind: StrictStr | None = None


class AssistContext(BaseModel):
    """What the employee knows that the text does not say."""

    model_config = ConfigDict(extra="ignore")

    company_at_fault: StrictBool | None = None
    language: Literal["pl", "fi", "en"] | None = None
    formal: StrictBool | None = None


class AssistRequest(BaseModel):
    """The assist request contract (``assist-request.v1``)."""

    model_config = ConfigDict(extra="ignore")

    messages: list[Message] = Field(min_length=1)
    draft: StrictStr | None = None
    context: AssistContext = Field(default_factory=AssistContext)

    @field_validator("context", mode="before")
    @classmethod
    def _null_context_is_empty(cls, value: Any) -> Any:
        # JSON writers often send "context": null for "no context".
        return {} if value is None else value


def parse_request(conversation: Any) -> AssistRequest:
    """Validate ``conversation``; raises InvalidInput naming the first bad field."""
    if not isinstance(conversation, dict):
        raise InvalidInput("conversation: must be a JSON object with a 'messages' list")
    try:
        return AssistRequest.model_validate(conversation)
    except ValidationError as exc:
        raise InvalidInput(_describe(exc.errors()[0])) from None


_TYPE_WORDS = {
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "missing": "is required",
}


def _describe(error: Any) -> str:
    where = _location(error["loc"])
    kind = error["type"]
    if where == "messages" and kind == "too_short":
        return "messages: at least one message is required"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{where}: must be {expected}, got {error.get('input')!r}"
    if kind in _TYPE_WORDS:
        return f"{where}: {_TYPE_WORDS[kind]}"
    return f"{where}: {error['msg']}"


def _location(loc: tuple[Any, ...]) -> str:
    """("messages", 2, "role") -> "messages[2].role"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "conversation"
