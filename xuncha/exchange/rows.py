"""Rows to JSON and back: one field at a time, the same rules on both sides (docs/exchange.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.apps import apps
from django.db import models

from xuncha.core import crypto

from .registry import SEALED

Reseal = Callable[[str, str], str]  # (envelope, context) -> envelope


def model_of(label: str) -> type[models.Model]:
    return apps.get_model(label)


def verbose_label(label: str) -> str:
    try:
        return str(model_of(label)._meta.verbose_name)
    except LookupError:
        return label


def chunks(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def plain_fields(model: type[models.Model]) -> Iterator[models.Field[Any, Any]]:
    """The concrete fields carried in a package: all but an id the database or a default gives."""
    for f in model._meta.concrete_fields:
        if f.primary_key and not f.is_relation:
            continue
        yield f


def encode_value(f: models.Field[Any, Any], obj: models.Model) -> Any:
    value = getattr(obj, f.attname)
    if value is None:
        return None
    if isinstance(f, models.JSONField):
        return value
    return f.value_to_string(obj)


def decode_value(f: models.Field[Any, Any], value: Any) -> Any:
    if value is None or isinstance(f, models.JSONField):
        return value
    result = f.to_python(value)
    if isinstance(f, models.BinaryField) and result is not None:
        return bytes(result)
    return result


def same(a: Any, b: Any) -> bool:
    if isinstance(a, memoryview):
        a = bytes(a)
    if isinstance(b, memoryview):
        b = bytes(b)
    return bool(a == b)


def reseal_row(label: str, values: dict[str, Any], reseal: Reseal) -> None:
    """Re-seal the sealed values of one row (its `values` by field name) in place."""
    for path, context in SEALED.get(label, {}).items():
        name, _, key = path.partition(".")
        current = values.get(name)
        if not current:
            continue
        if context == "*" and isinstance(current, dict):
            values[name] = {k: reseal(v, k) if isinstance(v, str) and v else v for k, v in current.items()}
        elif key and isinstance(current, dict):
            if isinstance(current.get(key), str) and current[key]:
                values[name] = {**current, key: reseal(current[key], context)}
        elif isinstance(current, str):
            values[name] = reseal(current, context)


def strip_unknown_sealed(value: Any, transit_key_id: str) -> tuple[Any, int]:
    """Remove any sealed envelope not re-sealed for transit (a sealed value the registry does not know):
    it could not be opened on the other side, and nothing sealed leaves under the local key."""
    if isinstance(value, str):
        if value.startswith(f"{crypto.PREFIX}:") and crypto.envelope_key_id(value) != transit_key_id:
            return "", 1
        return value, 0
    if isinstance(value, dict):
        out, n = {}, 0
        for k, v in value.items():
            out[k], m = strip_unknown_sealed(v, transit_key_id)
            n += m
        return out, n
    if isinstance(value, list):
        items = [strip_unknown_sealed(v, transit_key_id) for v in value]
        return [v for v, _ in items], sum(m for _, m in items)
    return value, 0


def ids_of(objs: Iterable[models.Model]) -> list[str]:
    return [str(o.pk) for o in objs]
