"""Types shared by every content model: ids, slugs, titles, and the strict base class."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, WrapValidator
from pydantic_core import PydanticCustomError

from ..source.load import MAX_ID_LENGTH

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

MAX_TITLE_LENGTH = 200  # titles and names label map nodes, tabs and table cells



def names_its_rule(pydantic_type: str, rule: str, explain: Callable[[Any], str]) -> WrapValidator:
    """Report pydantic's `pydantic_type` error on this field under our `rule` id, so the
    rule follows from the field's type, never from guessing at the field's name."""
    def validate(value: Any, handler: Any) -> Any:
        try:
            return handler(value)
        except ValidationError as problem:
            if any(e["type"] == pydantic_type for e in problem.errors()):
                raise rule_error(rule, explain(value)) from None
            raise
    return WrapValidator(validate)


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH),
               names_its_rule("string_pattern_mismatch", "bad-id", lambda given: (
                   f"`{given}` is not a valid id; start with a letter, then letters, digits, "
                   "`-` or `_` (e.g. `C2`)"))]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_ID_LENGTH),
                 names_its_rule("string_pattern_mismatch", "bad-slug", lambda given: (
                     f"`{given}` is not a valid team slug; use lower-case letters, digits and "
                     "hyphens (the team file's name)"))]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TITLE_LENGTH)]


class Strict(BaseModel):
    # Numbers where text is expected are fine ("period: 2027"); unknown keys are not.
    # NaN and infinity are no figures: JSON, browsers and spreadsheets cannot read them.
    # A field's docstring is its description in the JSON Schema (schema.py reads them; not
    # pydantic's use_attribute_docstrings, which reads every class's source at import and
    # would slow `validate` in a pre-commit hook).
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True,
                              use_enum_values=False, frozen=False, allow_inf_nan=False)



_NOT_IN_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)  # asked for every role of every plan: a few names, many times
def slug_of(name: str) -> str:
    """An address-safe name for a role or a person: `Account Executive` → `account-executive`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_IN_SLUG.sub("-", ascii_name.lower()).strip("-") or "x"


RULE_ERROR = "stratmap_rule"


def rule_error(rule: str, message: str) -> PydanticCustomError:
    """A validation error that names our rule id; `_describe` reports it as it is."""
    return PydanticCustomError(RULE_ERROR, "{message}", {"rule": rule, "message": message})

