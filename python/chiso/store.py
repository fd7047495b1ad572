"""Assessment records in a database: an append-only store behind ``Assessment.to_sql`` and
``Assessment.from_sql`` (extra ``pip install chiso[sql]``: SQLAlchemy, and psycopg for PostgreSQL).

    a.to_sql("records.db")                                   # SQLite file (the embedded default)
    a.to_sql("postgresql://officer@db.example/par")          # PostgreSQL, shared by several officers
    b = chiso.Assessment.from_sql("records.db", model, "2023")

Every record ever written is kept: a record is never updated or deleted, only superseded by a
later one of the same unit, criterion and stage (the assessment's own rule picks the one in force).
Each ``to_sql`` is one transaction that appends the records the store does not hold yet; writers
are serialised (SQLite ``BEGIN IMMEDIATE``, PostgreSQL ``LOCK TABLE … IN EXCLUSIVE MODE``), so two
processes appending at once lose nothing, and a writer killed mid-batch leaves the store as it was
before the batch. Triggers make the tables append-only in the database itself.

Each record is stored as chiso's own record JSON (the text ``Assessment.to_json`` writes for it)
plus the well-known columns (unit, criterion, stage, value, applicable, author, timestamp) for
queries; ``from_sql`` rebuilds the assessment document from the stored JSON and hands it to
chiso's loader, which checks every record as it checks a file. The schema and its migrations:
docs/scale.md, section "Assessment records in a database".
"""
from __future__ import annotations

import contextlib
import json
import os
import typing
import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, Tuple, Union

from . import _core
from .errors import ChisoError

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Connection, Engine

    from .assessment import Assessment
    from .model import Model

__all__ = ["SCHEMA_VERSION", "StoreError", "connect", "upgrade", "schema_version", "write", "read"]

SCHEMA_VERSION = 1
ASSESSMENT_FORMAT = "chiso-assessment/1"
Url = Union[str, "os.PathLike[str]", "Engine"]


class StoreError(ChisoError):
    """The store cannot be used: unreachable, written by a newer chiso, or a record that
    conflicts with one already stored."""

    id = "store"


def _sqlalchemy() -> Any:
    try:
        import sqlalchemy
    except ImportError:  # pragma: no cover - the sql extra is missing
        raise StoreError("the record store needs SQLAlchemy: pip install chiso[sql]",
                         id="store.sqlalchemy") from None
    return sqlalchemy


def connect(url: Url) -> "Engine":
    """An engine for ``url``: an SQLAlchemy URL (``sqlite:///records.db``,
    ``postgresql://user@host/db``, read with psycopg), a plain path (a SQLite file) or an
    existing Engine (returned as it is)."""
    sa = _sqlalchemy()
    if isinstance(url, sa.engine.Engine):
        return url
    text = os.fspath(typing.cast("Union[str, os.PathLike[str]]", url))
    if "://" not in text:
        text = "sqlite:///" + text
    if text.startswith(("postgresql://", "postgres://")):
        text = "postgresql+psycopg://" + text.split("://", 1)[1]
    if text.startswith("sqlite"):
        engine = sa.create_engine(text, connect_args={"timeout": 60})

        # pysqlite's own transaction handling defers BEGIN; take the write lock at the start of
        # each transaction instead, so concurrent writers queue rather than fail on upgrade.
        @sa.event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(text)


@contextlib.contextmanager
def _engine(url: Url) -> Iterator["Engine"]:
    """The engine for ``url``, disposed after use unless the caller passed it."""
    engine = connect(url)
    try:
        yield engine
    finally:
        if engine is not url:
            engine.dispose()


def _tables(sa: Any) -> Tuple[Any, Dict[str, Any]]:
    meta = sa.MetaData()
    tables = {
        "schema": sa.Table(
            "chiso_schema", meta,
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("applied_at", sa.Text, nullable=False)),
        "period": sa.Table(
            "chiso_period", meta,
            sa.Column("model", sa.Text, primary_key=True),
            sa.Column("period", sa.Text, primary_key=True),
            sa.Column("policy", sa.Text, nullable=False),     # JSON object, as the assessment file has it
            sa.Column("created_at", sa.Text, nullable=False)),
        "unit": sa.Table(
            "chiso_unit", meta,
            sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
            sa.Column("model", sa.Text, nullable=False),
            sa.Column("period", sa.Text, nullable=False),
            sa.Column("id", sa.Text, nullable=False),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("group", sa.Text, nullable=False),
            sa.UniqueConstraint("model", "period", "id", name="chiso_unit_key")),
        "record": sa.Table(
            "chiso_record", meta,
            sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
            sa.Column("model", sa.Text, nullable=False),
            sa.Column("period", sa.Text, nullable=False),
            sa.Column("unit", sa.Text, nullable=False),
            sa.Column("criterion", sa.Text, nullable=False),
            sa.Column("stage", sa.Text, nullable=False),
            sa.Column("value", sa.Float, nullable=True),      # NULL: no value (not applicable)
            sa.Column("applicable", sa.Boolean, nullable=False),
            sa.Column("author", sa.Text, nullable=False),
            sa.Column("timestamp", sa.Text, nullable=False),  # as entered (ISO 8601)
            sa.Column("time_us", sa.BigInteger, nullable=False),  # microseconds since 1970 UTC
            sa.Column("record", sa.Text, nullable=False),     # chiso's record JSON: every field
            sa.Column("batch", sa.Text, nullable=False),      # one id per to_sql call
            sa.Column("written_at", sa.Text, nullable=False),
            sa.UniqueConstraint("model", "period", "unit", "criterion", "stage", "time_us", name="chiso_record_key"),
            sa.Index("chiso_record_period", "model", "period", "seq")),
    }
    return meta, tables


_APPEND_ONLY = ("chiso_schema", "chiso_period", "chiso_unit", "chiso_record")


def _append_only_ddl(dialect: str) -> List[str]:
    """Triggers refusing UPDATE and DELETE (and TRUNCATE) on the store's tables."""
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {t}_no_{op} BEFORE {op.upper()} ON {t} "
                f"BEGIN SELECT RAISE(ABORT, 'chiso store: {t} is append-only'); END"
                for t in _APPEND_ONLY for op in ("update", "delete")]
    if dialect == "postgresql":
        # (%% is psycopg's escape for the % of RAISE.)
        ddl = ["CREATE FUNCTION chiso_append_only() RETURNS trigger LANGUAGE plpgsql AS "
               "$$ BEGIN RAISE EXCEPTION 'chiso store: %% is append-only', TG_TABLE_NAME; END $$"]
        for t in _APPEND_ONLY:
            ddl.append(f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
                       f"FOR EACH ROW EXECUTE FUNCTION chiso_append_only()")
            ddl.append(f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION chiso_append_only()")
        return ddl
    return []


def _create_v1(conn: "Connection") -> None:
    sa = _sqlalchemy()
    meta, _ = _tables(sa)
    meta.create_all(conn)
    for statement in _append_only_ddl(conn.dialect.name):
        conn.exec_driver_sql(statement)


# Migrations: MIGRATIONS[v] takes a store at schema version v to v + 1 inside the writer's
# transaction, then a row (v + 1, time) is appended to chiso_schema. Version 0 is "no store yet".
MIGRATIONS: Dict[int, Callable[["Connection"], None]] = {0: _create_v1}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _lock(conn: "Connection") -> None:
    """Serialise writers (SQLite already holds its write lock from BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        # A transaction-scoped lock that also covers the first creation of the tables.
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7331150)")


def _version(conn: "Connection") -> int:
    sa = _sqlalchemy()
    if not sa.inspect(conn).has_table("chiso_schema"):
        return 0
    found = conn.exec_driver_sql("SELECT MAX(version) FROM chiso_schema").scalar()
    return int(found or 0)


def _upgrade(conn: "Connection") -> int:
    version = _version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(f"the store has schema version {version}; this chiso knows up to "
                         f"{SCHEMA_VERSION}: upgrade chiso", id="store.version")
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](conn)
        version += 1
        conn.exec_driver_sql(f"INSERT INTO chiso_schema (version, applied_at) VALUES ({version}, '{_now()}')")
    return version


def upgrade(url: Url) -> int:
    """Create the store or migrate it to :data:`SCHEMA_VERSION` (one transaction); returns the
    version. ``to_sql`` does this itself; call it to migrate a shared store ahead of time."""
    with _engine(url) as engine, engine.begin() as conn:
        _lock(conn)
        return _upgrade(conn)


def schema_version(url: Url) -> int:
    """The store's schema version (0: no store there yet)."""
    with _engine(url) as engine, engine.connect() as conn:
        return _version(conn)


def _record_row(record: Mapping[str, Any]) -> Dict[str, Any]:
    """The well-known columns of one record of chiso's assessment JSON (already checked by the
    core when it was added to the assessment)."""
    value = record.get("value")
    return {
        "unit": record["unit"], "criterion": record["criterion"], "stage": record["stage"],
        "value": None if value is None else float(value), "applicable": bool(record.get("applicable", True)),
        "author": record.get("author", ""), "timestamp": record["timestamp"],
        "time_us": int(_core.assessment.parse_timestamp(record["timestamp"])),
        "record": json.dumps(record, ensure_ascii=False, separators=(",", ":")),
    }


def write(assessment: "Assessment", url: Url) -> int:
    """Append the assessment's records that the store does not hold yet, in one transaction;
    returns how many were appended. A stored record of the same unit, criterion, stage and time
    with different contents is a conflict (:class:`StoreError`, nothing written): records are
    superseded by later ones, never replaced."""
    sa = _sqlalchemy()
    _, t = _tables(sa)
    document = json.loads(assessment._core.to_json())
    model, period = document["model"], document["period"]
    rows = [_record_row(r) for r in document["records"]]
    batch, written_at = uuid.uuid4().hex, _now()
    with _engine(url) as engine, engine.begin() as conn:
        _lock(conn)
        _upgrade(conn)
        here = (t["period"].c.model == model) & (t["period"].c.period == period)
        if conn.execute(sa.select(t["period"].c.model).where(here)).first() is None:
            conn.execute(t["period"].insert().values(model=model, period=period, created_at=written_at,
                                                     policy=json.dumps(document.get("policy", {}))))
        unit_here = (t["unit"].c.model == model) & (t["unit"].c.period == period)
        stored_units = {u.id: (u.name, u.group) for u in
                        conn.execute(sa.select(t["unit"].c.id, t["unit"].c.name, t["unit"].c.group).where(unit_here))}
        new_units = []
        for u in document["units"]:
            name, group = u.get("name", ""), u.get("group", "")
            if u["id"] not in stored_units:
                new_units.append({"model": model, "period": period, "id": u["id"], "name": name, "group": group})
            elif stored_units[u["id"]] != (name, group):
                raise StoreError(f"unit {u['id']!r} of {model} {period} is stored as "
                                 f"{stored_units[u['id']]}, not {(name, group)}", id="store.unit_conflict",
                                 unit=u["id"])
        if new_units:
            conn.execute(t["unit"].insert(), new_units)
        r = t["record"].c
        stored = {(s.unit, s.criterion, s.stage, s.time_us): s.record for s in conn.execute(
            sa.select(r.unit, r.criterion, r.stage, r.time_us, r.record).where((r.model == model) & (r.period == period)))}
        new_rows = []
        for row in rows:
            key = (row["unit"], row["criterion"], row["stage"], row["time_us"])
            if key in stored:
                if json.loads(stored[key]) != json.loads(row["record"]):
                    raise StoreError(
                        f"unit {row['unit']!r}, criterion {row['criterion']!r}: the "
                        f"store already holds a different {row['stage']} record at {row['timestamp']} (a record "
                        f"is superseded by a later one, never replaced)", id="store.record_conflict",
                        unit=row["unit"], criterion=row["criterion"])
                continue
            stored[key] = row["record"]
            new_rows.append(dict(row, model=model, period=period, batch=batch, written_at=written_at))
        if new_rows:
            conn.execute(t["record"].insert(), new_rows)
    return len(new_rows)


def read(url: Url, model: "Model", period: str) -> "Assessment":
    """The assessment of ``model`` and ``period`` as stored: units and every record in the order
    written, loaded by chiso's assessment loader (errors name the store and the record)."""
    from .assessment import Assessment

    sa = _sqlalchemy()
    _, t = _tables(sa)
    model_id, period = model.id, str(period)
    with _engine(url) as engine, engine.connect() as conn:
        version = _version(conn)
        if version == 0:
            raise StoreError(f"{engine.url!r} holds no chiso record store",
                             id="store.empty")
        if version > SCHEMA_VERSION:
            raise StoreError(f"the store has schema version {version}; this chiso knows "
                             f"up to {SCHEMA_VERSION}: upgrade chiso", id="store.version")
        p = t["period"].c
        policy = conn.execute(sa.select(p.policy).where((p.model == model_id) & (p.period == period))).scalar()
        if policy is None:
            raise StoreError(f"the store holds no assessment of model {model_id!r}, "
                             f"period {period!r}", id="store.no_period")
        u = t["unit"].c
        units = [{"id": x.id, "name": x.name, "group": x.group} for x in conn.execute(
            sa.select(u.id, u.name, u.group).where((u.model == model_id) & (u.period == period)).order_by(u.seq))]
        r = t["record"].c
        records = [json.loads(x.record) for x in conn.execute(
            sa.select(r.record).where((r.model == model_id) & (r.period == period)).order_by(r.seq))]
        where = f"{engine.url.render_as_string(hide_password=True)} chiso_record (by seq)"
    document = {"format": ASSESSMENT_FORMAT, "model": model_id, "period": period, "policy": json.loads(policy),
                "units": units, "records": records}
    core = _core.assessment.Assessment.parse_json(json.dumps(document, ensure_ascii=False), model._core, where)
    return Assessment._wrap(model, core)
