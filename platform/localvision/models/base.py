from __future__ import annotations

import enum
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Enum, MetaData, Numeric, String, Text, func
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints let migrations add and drop them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_column(enum_class: type[enum.Enum], **kwargs: Any) -> Any:
    """A VARCHAR column holding the enum's value, portable across databases."""
    return mapped_column(
        Enum(
            enum_class,
            native_enum=False,
            length=40,
            values_callable=lambda members: [member.value for member in members],
            validate_strings=True,
        ),
        **kwargs,
    )


class UtcDateTime(TypeDecorator):
    """A moment in time, always read back with its time zone (UTC).

    PostgreSQL keeps the zone; SQLite keeps none, so moments are stored there in UTC and
    read back as UTC, and a stored moment compares with one made in Python either way.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None and dialect.name == "sqlite":
            return value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# Times are stamped by the app's clock, the one the tests can move; the server default is
# for rows inserted in plain SQL.
def created_at_column() -> Mapped[datetime]:
    return mapped_column(UtcDateTime(), default=utc_now, server_default=func.now(), nullable=False)


def updated_at_column() -> Mapped[datetime]:
    return mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now(),
                         nullable=False)


class ExactDecimal(TypeDecorator):
    """NUMERIC in PostgreSQL; text in SQLite, whose numbers are binary floats.

    Values come back as ``Decimal`` on both, rounded to the column's scale on the way in.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int):
        super().__init__(precision=precision, scale=scale)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        exact = Decimal(value).quantize(Decimal(1).scaleb(-self.scale))
        return str(exact) if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def markdown_html_column() -> Mapped[str]:
    """The HTML of a Markdown text beside it, rendered when the text is set (each model
    says which text with ``@validates``): pages show it without rendering again."""
    return mapped_column(Text, default="")
