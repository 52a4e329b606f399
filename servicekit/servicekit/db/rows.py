"""Rows of a statement written out once, turned into model instances as the ORM turns them.

For the hottest reads: compiling a QuerySet (its filters, joins, `select_related`) costs more
CPU than PostgreSQL spends answering a lookup by primary key, and the text of such a read never
changes, so PostgreSQL also prepares it once per connection. `columns(Model, alias)` names a
model's stored columns for the SELECT (or RETURNING) list; `instance(Model, row, start)` builds
the instance from its slice of a row with `Model.from_db`, the ORM's own constructor for loaded
rows (instances are marked as saved, deferred loading works as ever), after each value went
through its field's `from_db_value` as the ORM would (a JSON field's text becomes its object).
Columns are named in SQL, attribute names go to `from_db`: they differ for a foreign key
(`product` / `product_id`).
"""

from functools import cache

from django.db import connections
from django.db.models import Model


@cache
def _fields(model: type[Model]) -> tuple:
    return tuple(model._meta.concrete_fields)


@cache
def columns(model: type[Model], alias: str = "") -> str:
    """The model's stored columns, in `instance`'s order, optionally qualified by a table alias."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{field.column}"' for field in _fields(model))


@cache
def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in _fields(model)]


@cache
def _pk_position(model: type[Model]) -> int:
    return _attnames(model).index(model._meta.pk.attname)


def width(model: type[Model]) -> int:
    """How many values of a row `columns(model)` takes."""
    return len(_fields(model))


@cache
def _converted(model: type[Model]) -> tuple:
    """(position, field) of the fields that convert what the database returns."""
    return tuple((n, field) for n, field in enumerate(_fields(model)) if hasattr(field, "from_db_value"))


def instance(model: type[Model], row, start: int = 0, *, using: str = "default") -> Model | None:
    """The instance whose `columns(model)` begin at `row[start]`; None when its primary key is
    NULL (the missing side of an outer join)."""
    names = _attnames(model)
    values = row[start : start + len(names)]
    if values[_pk_position(model)] is None:
        return None
    if converted := _converted(model):
        values, connection = list(values), connections[using]
        for n, field in converted:
            values[n] = field.from_db_value(values[n], field.cached_col, connection)
    return model.from_db(using, names, values)


def set_prefetched(instance: Model, name: str, related: list[Model]) -> None:
    """Leave `instance.<name>.all()` as `prefetch_related(name)` leaves it: these objects, read
    without a query (Django's own prefetching fills the cache the same way)."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(related)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
