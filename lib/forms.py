"""What every form of the site does with a NUL character in what it was sent.

A NUL can be neither stored nor searched for (PostgreSQL refuses it), and is never valid in
an HTML page. Django's own message ("Null characters are not allowed.") names no field, a
choice field's message echoes the value with the NUL in it, and a form shown again with its
errors echoes the NUL into its inputs. Here the message is the site's one wording, naming
the field (``lib.inputs.nul_message``), and a value shown again has its NUL as U+FFFD.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.forms import BaseForm, BoundField
from django.forms.renderers import DjangoTemplates

from .inputs import NUL_FIX, has_nul, nul_message, shown


class NulShownBoundField(BoundField):
    """A field whose value, shown again in its input, has each NUL as U+FFFD."""

    def value(self) -> Any:
        value = super().value()
        if isinstance(value, str):
            return shown(value)
        if isinstance(value, list | tuple):
            return [shown(item) if isinstance(item, str) else item for item in value]
        return value


class Renderer(DjangoTemplates):
    """The site's form renderer (``FORM_RENDERER``): Django's, with ``NulShownBoundField``."""

    bound_field_class = NulShownBoundField


class NulNamed(BaseForm):
    """Form mixin: a field sent a value holding a NUL has one error, ``nul_message``.

    Whatever the field's own error would have been (unknown choice, not a date, Django's
    unnamed NUL message). ``own_nul_message`` names fields that say it in their own words.
    """

    own_nul_message: ClassVar[frozenset[str]] = frozenset()
    # Fields whose errors the form's template shows after the field's name or label: their
    # message does not name the field again ("q: q: remove ...").
    named_by_template: ClassVar[frozenset[str]] = frozenset()

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        errors = self.errors  # filled by full_clean above
        for name in self.fields:
            if name in self.own_nul_message or name not in errors:
                continue
            data = self[name].data
            values = data if isinstance(data, list | tuple) else [data]
            if any(isinstance(value, str) and has_nul(value) for value in values):
                message = NUL_FIX if name in self.named_by_template else nul_message(name)
                errors[name] = self.error_class([message])
