"""Serializer plumbing every service's API shares."""

import copy

from rest_framework import serializers


def _fresh(field):
    """A template field's copy for one serializer instance. Shallow: DRF's deepcopy re-runs
    every field's `__init__` (a list's child included), which is what made serializers slow to
    build. A list's child is copied too and belongs to the copy (DRF bound the template's child
    when the list was made: its name and source stay as they are, only its parent changes)."""
    clone = copy.copy(field)
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        clone.child = _fresh(field.child)
        clone.child.parent = clone
    return clone


# Serializers whose fields are worked out once per class, not once per instance. DRF builds
# every field afresh for each serializer it instantiates (a ModelSerializer introspects the
# model each time; for a list, once per item of a nested serializer): in the order API that was
# about a third of a request's CPU. The fields built the first time are kept as templates and
# each instance gets shallow copies, bound to it as usual; the schema is unchanged. For fields
# that do not depend on the instance, the data or the request. (Comments, not docstrings:
# drf-spectacular would show an inherited docstring in every schema using them.)
class FieldTemplatesMixin:
    def get_fields(self):
        cls = type(self)
        templates = cls.__dict__.get("_field_templates")
        if templates is None:
            templates = super().get_fields()
            cls._field_templates = templates  # a race only builds the same templates twice
        return {name: _fresh(field) for name, field in templates.items()}


# Output: a model's fields rendered as they are.
class ModelOutputSerializer(FieldTemplatesMixin, serializers.ModelSerializer):
    pass


# Input: declared fields and their validators.
class InputSerializer(FieldTemplatesMixin, serializers.Serializer):
    pass
