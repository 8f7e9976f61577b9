from collections.abc import Callable

from django.db.models import Q
from rest_framework import serializers


class CompanyRecordField(serializers.PrimaryKeyRelatedField):
    """The id of one of the calling company's records.

    Another company's id reads as unknown, so an answer never tells whether it
    exists elsewhere. Only whole numbers are ids: JSON true or 1.5 would otherwise
    slip through the database's cast to record 1.
    """

    default_error_messages = {
        "does_not_exist": "No {model} with id {pk_value}.",
        "incorrect_type": "Enter the id as a whole number, not {data_type}.",
    }

    def __init__(self, model, *, limit: Callable[[dict], Q] | None = None, **kwargs):
        self.model = model
        self.limit = limit
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        records = self.model.objects.filter(company=self.context["company"])
        if self.limit is not None:
            records = records.filter(self.limit(self.context))
        return records

    def to_internal_value(self, data):
        is_whole = isinstance(data, int) or (isinstance(data, str) and data.isdigit())
        if isinstance(data, bool) or not is_whole:
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return self.get_queryset().get(pk=int(data))
        except (self.model.DoesNotExist, OverflowError):
            self.fail(
                "does_not_exist", model=self.model._meta.verbose_name, pk_value=data
            )


class NormalizedCodeField(serializers.CharField):
    """A code typed by people: surrounding spaces dropped, capital letters, as the
    web forms do, before the validators see it."""

    def to_internal_value(self, data) -> str:
        return super().to_internal_value(data).strip().upper()
