"""The ledger's tables: per (target, company, store, business date), every emission and its entries.

An emission is one rendering handed to a target: the store-day's first (number 0), a re-send
(`resend-N`, a delta or a deliberate full re-emission). It is recorded `pending` before its files
are written (or its bodies posted) and `committed` after, so a crash in between is found and
settled by the next run. The unique constraints are the last line against a double record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class StoreDay(Base):
    """One target's view of one store's business day in one company."""

    __tablename__ = "store_days"
    __table_args__ = (UniqueConstraint("target", "company", "store", "business_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(64))
    company: Mapped[str] = mapped_column(String(200))
    store: Mapped[str] = mapped_column(String(64))
    business_date: Mapped[dt.date] = mapped_column(Date)


class Emission(Base):
    """What was handed to the target once: which files (their hash), when, by which run."""

    __tablename__ = "emissions"
    __table_args__ = (UniqueConstraint("store_day_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_day_id: Mapped[int] = mapped_column(ForeignKey("store_days.id"))
    number: Mapped[int] = mapped_column(Integer)
    """0 for the first emission, N for `resend-N`."""
    kind: Mapped[str] = mapped_column(String(16))
    """`first`, `delta` or `full`."""
    state: Mapped[str] = mapped_column(String(16))
    """`pending` (recorded, not yet known to be written) or `committed`."""
    folder: Mapped[str] = mapped_column(String(64))
    files: Mapped[str] = mapped_column(Text)
    """The file names as a JSON list."""
    output_hash: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    committed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class EmittedEntry(Base):
    """An entry an emission added, or the held entry it reversed, with its amount and content."""

    __tablename__ = "emitted_entries"
    __table_args__ = (UniqueConstraint("emission_id", "role", "key"), Index("emitted_entries_emission", "emission_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    emission_id: Mapped[int] = mapped_column(ForeignKey("emissions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(8))
    """`add` or `reverse`."""
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    document: Mapped[str] = mapped_column(Text)
    """The entry as JSON (`Entry.document()`), so a later re-send can reverse it."""


class PostedRequest(Base):
    """One request a connector posted to the target's service (freee) and the id it was given:
    what makes sending exactly-once. Keyed per (target, company, store, business date) by the
    request's key (a ref_number, a transfer's identifier); `emission` is the number of the
    emission whose rendering the body belongs to. The unique constraint is the last guard."""

    __tablename__ = "posted_requests"
    __table_args__ = (UniqueConstraint("target", "company", "store", "business_date", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(64))
    company: Mapped[str] = mapped_column(String(200))
    store: Mapped[str] = mapped_column(String(64))
    business_date: Mapped[dt.date] = mapped_column(Date)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    remote_id: Mapped[int] = mapped_column(BigInteger)
    digest: Mapped[str] = mapped_column(String(64))
    emission: Mapped[int] = mapped_column(Integer)
    how: Mapped[str] = mapped_column(String(16))
    """`created` (this run's POST) or `found` (settled: it was already in the service)."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UnpostedBody(Base):
    """The exact body of a request a connector tried to post and could not (FLARO's webhook
    down): kept so that a later run posts the same bytes under the same key, even when the day's
    files have changed since. One per emission (`emission` as in PostedRequest); never replaced."""

    __tablename__ = "unposted_bodies"
    __table_args__ = (UniqueConstraint("target", "company", "store", "business_date", "emission"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(64))
    company: Mapped[str] = mapped_column(String(200))
    store: Mapped[str] = mapped_column(String(64))
    business_date: Mapped[dt.date] = mapped_column(Date)
    emission: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(200))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
