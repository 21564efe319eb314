"""The audit log's codes in words, for its templates."""

from django import template

from xuncha.audit.names import action_name, object_kind_name

register = template.Library()

register.filter("action_name", action_name)
register.filter("object_kind_name", object_kind_name)
