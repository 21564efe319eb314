from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """A strong password mixes at least three of: lower case, upper case, digits, symbols."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = [r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]"]
        if sum(bool(re.search(c, password)) for c in classes) < 3:
            raise ValidationError("密码须至少包含小写字母、大写字母、数字、符号中的三类。", code="password_too_simple")

    def get_help_text(self) -> str:
        return "密码须至少包含小写字母、大写字母、数字、符号中的三类。"
