"""Delete many rows in short transactions, so that requests keep going meanwhile.

Django's ``QuerySet.delete()`` first reads what it deletes (a model instance
per row, and a SELECT of the rows that cascade) and then deletes 100 keys a
statement. Here each batch is plain DELETEs of the keys one subquery chooses:
a single statement on PostgreSQL, the rows that reference the batch included;
one short write transaction on SQLite, where writers take turns anyway.
After each batch the deletion rests (``Pacing``): a batch at full speed keeps
one of the database's cores busy, which requests would otherwise wait for.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, QuerySet

# Rows per batch: each batch is a transaction of a few milliseconds, short
# enough that a request which shares a core with it is not held up for long.
DEFAULT_BATCH_SIZE = 1000
# Seconds of rest after each batch per second the batch took: the deletion
# holds a core of the database half the time at most, and takes twice as
# long as at full speed or more (a million tokens: 8 s at full speed, 28 s
# paced, on a busy 2-core machine).
DEFAULT_PAUSE = 1.0
# A model, and its foreign key to the rows deleted: its rows go with them.
Referencing = tuple[type[Model], str]


@dataclass(frozen=True)
class Pacing:
    """How long to rest after a batch: ``pause`` times as long as the batch took.

    The rest follows the batch's own time, so that on a busy database, where
    batches take longer, the deletion gives way for longer too. A ``pause``
    of 0 deletes at full speed. ``clock`` and ``sleep`` are those of ``time``.
    """

    pause: float = DEFAULT_PAUSE
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    def rest_after(self, started: float) -> None:
        """Rest after a batch that started at ``started`` (a time of ``clock``)."""
        if self.pause:
            self.sleep(self.pause * (self.clock() - started))


# What the functions rest without a pacing of their own: the commands' default.
DEFAULT_PACING = Pacing()


def delete_in_batches(
    rows: QuerySet,
    batch_size: int,
    referencing: Sequence[Referencing] = (),
    pacing: Pacing = DEFAULT_PACING,
) -> int:
    """Delete ``rows``, ``batch_size`` at a time, with the ``referencing`` rows; return how many.

    Batches follow the primary key, so that each one starts where the last
    ended: going back to the start would make every batch step over the rows
    just deleted (still in the table until vacuumed), and a million rows take
    quadratic time. Rows of other tables that reference ``rows`` must be
    named in ``referencing``: nothing cascades here but what is named. After
    each batch that deleted rows, ``pacing`` rests.
    """
    unnamed = {
        (relation.related_model, relation.field.name)
        for relation in rows.model._meta.related_objects
    } - set(referencing)
    if unnamed:
        message = f"Rows of {rows.model._meta.label} are referenced by {unnamed}."
        raise ValueError(message)
    total = 0
    last = None
    while True:
        after = rows if last is None else rows.filter(pk__gt=last)
        started = pacing.clock()
        deleted, last = delete_batch(
            after.order_by("pk").values("pk")[:batch_size], referencing
        )
        if last is None:
            return total
        total += deleted
        pacing.rest_after(started)


def delete_batch(
    batch: QuerySet, referencing: Sequence[Referencing]
) -> tuple[int, object]:
    """Delete the rows of the key-only query ``batch``; return how many, and its last key.

    The last key is None when ``batch`` was empty.
    """
    connection = connections[router.db_for_write(batch.model)]
    select, parameters = batch.query.get_compiler(connection=connection).as_sql()
    targets = [*referencing, (batch.model, batch.model._meta.pk.name)]
    if connection.vendor == "postgresql":
        deletes = [
            delete_statement(connection, model, field, "SELECT pk FROM batch")
            for model, field in targets
        ]
        return delete_in_one_statement(connection, select, parameters, deletes)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(select, parameters)
        keys = [key for (key,) in cursor.fetchall()]
        if not keys:
            return 0, None
        for model, field in targets:
            cursor.execute(
                delete_statement(connection, model, field, select), parameters
            )
        return cursor.rowcount, keys[-1]


def delete_in_one_statement(
    connection: BaseDatabaseWrapper,
    select: str,
    parameters: tuple[str | int, ...],
    deletes: list[str],
) -> tuple[int, object]:
    """Run ``deletes`` of the keys of ``batch`` (its own rows last) as one statement.

    The batch is read once, for all of them; its rows and those that
    reference them go together, in a transaction as short as the statement.
    """
    *referencing, own = deletes
    steps = [f"batch (pk) AS ({select})"]
    steps += [
        f"referencing_{index} AS ({delete})" for index, delete in enumerate(referencing)
    ]
    steps.append(f"deleted AS ({own} RETURNING 1)")
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {', '.join(steps)} "  # noqa: S608 - identifiers and Django's SQL only
            "SELECT (SELECT count(*) FROM deleted), "
            "(SELECT pk FROM batch ORDER BY pk DESC LIMIT 1)",
            parameters,
        )
        deleted, last = cursor.fetchone()
    return deleted, last


def delete_statement(
    connection: BaseDatabaseWrapper, model: type[Model], field: str, keys: str
) -> str:
    """Return a DELETE of the rows of ``model`` whose ``field`` is one of ``keys`` (SQL)."""
    quote = connection.ops.quote_name
    column = model._meta.get_field(field)
    if not isinstance(column, Field) or column.column is None:
        message = f"{model._meta.label}.{field} is not stored in a column."
        raise LookupError(message)
    return (
        f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608 - quoted identifiers and Django's SQL only
        f"WHERE {quote(column.column)} IN ({keys})"
    )
