"""Many rows written with one prepared statement: for the dispatcher's hot path.

Django's bulk_create and bulk_update prepare every value through the field's full save path
and (for updates) build CASE clauses; at a thousand rows a batch that is most of the cost.
Here each column gets one adapter, chosen once, and the database driver runs one statement
for every row (`executemany`). The values are what Django itself would store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from django.db import connection, models
from django.db.models import Field

Adapter = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _text(value: Any) -> Any:
    # Choices are str subclasses; the drivers want plain strings.
    return value if value is None or type(value) is str else str(value)


def _adapter(field: Field[Any, Any]) -> Adapter:
    if isinstance(field, models.DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
        return lambda value: adapt(value) if value is not None else None
    if isinstance(field, models.CharField | models.TextField):
        return _text
    if isinstance(field, models.FloatField):
        # A column's values go as one array on PostgreSQL: 5 and 2.5 must both be floats.
        return lambda value: float(value) if value is not None else None
    if isinstance(field, models.IntegerField | models.BooleanField | models.ForeignKey):
        return _same
    # Anything else (JSON, decimals, files...) through Django's own preparation.
    return lambda value: field.get_db_prep_save(value, connection)


def _columns(model: type[models.Model], names: Sequence[str]) -> list[Field[Any, Any]]:
    return [cast("Field[Any, Any]", model._meta.get_field(name)) for name in names]


def _value_getter(field: Field[Any, Any]) -> Callable[[models.Model], Any]:
    """How a new row's value is read: as Django would set it when saving (auto_now...)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, True)
    attname = field.attname
    return lambda obj: getattr(obj, attname)


def _all_but_key(model: type[models.Model]) -> list[Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def insert_many(
    model: type[models.Model], objects: Iterable[models.Model], names: Sequence[str] = ()
) -> None:
    """INSERT these objects, in order: the `names` columns, or every column but the primary
    key (whose values are not read back)."""
    fields = _columns(model, names) if names else _all_but_key(model)
    columns_of = [(_value_getter(field), _adapter(field)) for field in fields]
    rows = [[adapt(get(obj)) for get, adapt in columns_of] for obj in objects]
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(field.column)) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement over one array per column (in order: ids follow the list).
            arrays, names = _unnest(fields)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {names} FROM {arrays}"  # noqa: S608
                " ORDER BY v.n",
                _by_column(rows, len(fields)),
            )
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                rows,
            )


def update_many(
    model: type[models.Model], objects: Iterable[models.Model], names: Sequence[str]
) -> None:
    """UPDATE these objects' `names` columns, each row by its primary key."""
    fields = _columns(model, names)
    adapters = [_adapter(field) for field in fields]
    rows = [
        [adapt(getattr(obj, field.attname)) for field, adapt in zip(fields, adapters, strict=True)]
        + [obj.pk]
        for obj in objects
    ]
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    key_field = model._meta.pk
    key = quote(str(key_field.column))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays, _names = _unnest([*fields, key_field])
            assignments = ", ".join(
                f"{quote(str(field.column))} = v.c{index}" for index, field in enumerate(fields)
            )
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {arrays}"  # noqa: S608
                f" WHERE {table}.{key} = v.c{len(fields)}",
                _by_column(rows, len(fields) + 1),
            )
        else:
            assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {key} = %s",  # noqa: S608
                rows,
            )


def _unnest(fields: Sequence[Field[Any, Any]]) -> tuple[str, str]:
    """PostgreSQL: `unnest(%s::type[], …) WITH ORDINALITY AS v(c0, …, n)`, one array
    parameter per column, and the list of its columns `v.c0, …`: a thousand rows are one
    statement, planned once, instead of a thousand."""
    types = [field.db_type(connection) or "text" for field in fields]
    names = [f"c{index}" for index in range(len(fields))]
    arrays = ", ".join(f"%s::{kind}[]" for kind in types)
    return (
        f"unnest({arrays}) WITH ORDINALITY AS v({', '.join(names)}, n)",
        ", ".join(f"v.{name}" for name in names),
    )


def _by_column(rows: list[list[Any]], width: int) -> list[list[Any]]:
    return [[row[index] for row in rows] for index in range(width)]


def insert_from_select(
    model: type[models.Model],
    template: models.Model,
    *,
    computed: dict[str, tuple[str, Sequence[Any]]],
    source: str,
    params: Sequence[Any] = (),
) -> int:
    """INSERT one row for each row `source` (a FROM … clause, with `params`) selects, made by
    the database in one statement: each column is the `template`'s value, or for the fields
    named in `computed` an SQL expression over `source` (with its parameters). Answers how
    many rows were inserted."""
    fields = _all_but_key(model)
    expressions: list[str] = []
    values: list[Any] = []
    for field in fields:
        if field.name in computed:
            expression, expression_params = computed[field.name]
            expressions.append(expression)
            values += expression_params
        else:
            expressions.append("%s")
            values.append(_adapter(field)(_value_getter(field)(template)))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(field.column)) for field in fields)
    sql = f"INSERT INTO {table} ({columns}) SELECT {', '.join(expressions)} {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return int(cursor.rowcount)
