"""Serializer plumbing every service's API shares."""

import copy

from rest_framework import serializers


# A ModelSerializer that works its fields out from the model once per class, not once per
# object rendered. DRF's ModelSerializer introspects the model and builds every field afresh each
# time it is instantiated (for a list, once per item of a nested serializer): in the order API
# that was about a third of a request's CPU. The fields built the first time are kept as
# templates and copied for each instance, as DRF copies declared fields; the schema is unchanged.
# For output serializers whose fields do not depend on the instance or the request. (A comment,
# not a docstring: drf-spectacular would show an inherited docstring in every schema using it.)
class ModelOutputSerializer(serializers.ModelSerializer):
    def get_fields(self):
        cls = type(self)
        templates = cls.__dict__.get("_field_templates")
        if templates is None:
            templates = super().get_fields()
            cls._field_templates = templates  # a race only builds the same templates twice
        return copy.deepcopy(templates)
