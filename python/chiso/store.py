"""Assessment records in a database: the store behind ``Assessment.to_sql`` and
``Assessment.from_sql`` (extra ``pip install chiso[sql]``: SQLAlchemy, and psycopg for PostgreSQL).

    a.to_sql("records.db")                                   # SQLite file (the embedded default)
    a.to_sql("postgresql://officer@db.example/par")          # PostgreSQL, shared by several officers
    b = chiso.Assessment.from_sql("records.db", model, "2023")

The store holds the whole assessment of a period — units, the schedule (deadlines and the acts
that change them), every record, the model's id and the SHA-256 of its JSON — and ``from_sql``
returns what ``to_json`` would. Nothing stored is updated or deleted: a record is superseded by a
later one. Each ``to_sql`` is one transaction that takes the period's lock (SQLite ``BEGIN
IMMEDIATE``, PostgreSQL an advisory lock per period), reloads the stored period with chiso's
loader, enters the records and acts the store does not hold yet at the database's clock, checks
them against the stored history exactly as ``Assessment.add`` checks a batch, and appends them —
or refuses the batch whole, naming its first offending record. So a stored period always reloads.

Records and acts carry hash chains (include/chiso/assessment/records.hpp); ``from_sql`` checks
them, and that the queryable columns agree with the stored JSON, so a change made in the database
behind chiso's back is detected on reading. ``chiso verify FILE|URL --period P`` prints the state
of the chains. The schema, its migrations and the database roles: docs/scale.md.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import typing
import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _core
from .errors import ChisoError, DataError

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Connection, Engine

__all__ = ["SCHEMA_VERSION", "StoreError", "connect", "upgrade", "schema_version", "write", "read", "verify",
           "grant_writer"]

SCHEMA_VERSION = 2
ASSESSMENT_FORMAT = "chiso-assessment/1"
Url = Union[str, "os.PathLike[str]", "Engine"]
_core_a = _core.assessment


class StoreError(ChisoError):
    """The store cannot be used: unreachable, written by a newer chiso, changed behind chiso's
    back, or a batch that conflicts with what it holds."""

    id = "store"


def _sqlalchemy() -> Any:
    try:
        import sqlalchemy
    except ImportError:  # pragma: no cover - the sql extra is missing
        raise StoreError("the record store needs SQLAlchemy: pip install chiso[sql]",
                         id="store.sqlalchemy") from None
    return sqlalchemy


def _shown(engine: "Engine") -> str:
    """The engine's URL as messages show it: without its password."""
    return typing.cast(str, engine.url.render_as_string(hide_password=True))


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
    try:
        if not text.startswith("sqlite"):
            return sa.create_engine(text)
        engine = sa.create_engine(text, connect_args={"timeout": 60})
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as error:
        shown = text.split("@", 1)[-1] if "@" in text else text
        raise StoreError(f"cannot use the database URL …{shown}: {error}", id="store.url") from None

    # pysqlite's own transaction handling defers BEGIN; take the write lock at the start of
    # each transaction instead, so concurrent writers queue rather than fail on upgrade.
    @sa.event.listens_for(engine, "connect")
    def _no_autobegin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextlib.contextmanager
def _connection(url: Url, write: bool) -> Iterator[Tuple["Engine", "Connection"]]:
    """A connection in a transaction (``write``: committed at the end), disposed after use unless
    the caller passed the engine. Database failures become :class:`StoreError` naming the URL
    without its password; chiso's own errors pass as they are."""
    sa = _sqlalchemy()
    engine = connect(url)
    try:
        try:
            conn = engine.connect()
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(f"cannot reach the database {_shown(engine)}: {_reason(error)}",
                             id="store.unreachable", url=_shown(engine)) from None
        if not write and engine.dialect.name == "postgresql":
            # One snapshot for the whole reading: a writer committing between its statements would
            # otherwise show records of units read before they were stored.
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        try:
            with conn, conn.begin():
                yield engine, conn
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(f"the database {_shown(engine)} refused: {_reason(error)}", id="store.database",
                             url=_shown(engine)) from None
    finally:
        if engine is not url:
            engine.dispose()


def _reason(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__


# Schema ---------------------------------------------------------------------------------------
def _id_column(sa: Any) -> Any:
    return sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True)


def _tables_v1(sa: Any) -> Tuple[Any, Dict[str, Any]]:
    """The tables of schema version 1 (chiso 0.3), as it created them."""
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
            sa.Column("policy", sa.Text, nullable=False),
            sa.Column("created_at", sa.Text, nullable=False)),
        "unit": sa.Table(
            "chiso_unit", meta, _id_column(sa),
            sa.Column("model", sa.Text, nullable=False),
            sa.Column("period", sa.Text, nullable=False),
            sa.Column("id", sa.Text, nullable=False),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("group", sa.Text, nullable=False),
            sa.UniqueConstraint("model", "period", "id", name="chiso_unit_key")),
        "record": sa.Table(
            "chiso_record", meta, _id_column(sa),
            sa.Column("model", sa.Text, nullable=False),
            sa.Column("period", sa.Text, nullable=False),
            sa.Column("unit", sa.Text, nullable=False),
            sa.Column("criterion", sa.Text, nullable=False),
            sa.Column("stage", sa.Text, nullable=False),
            sa.Column("value", sa.Float, nullable=True),
            sa.Column("applicable", sa.Boolean, nullable=False),
            sa.Column("author", sa.Text, nullable=False),
            sa.Column("timestamp", sa.Text, nullable=False),
            sa.Column("time_us", sa.BigInteger, nullable=False),
            sa.Column("record", sa.Text, nullable=False),
            sa.Column("batch", sa.Text, nullable=False),
            sa.Column("written_at", sa.Text, nullable=False),
            sa.UniqueConstraint("model", "period", "unit", "criterion", "stage", "time_us", name="chiso_record_key"),
            sa.Index("chiso_record_period", "model", "period", "seq")),
    }
    return meta, tables


def _act_table(sa: Any, meta: Any) -> Any:
    return sa.Table(
        "chiso_act", meta, _id_column(sa),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("act", sa.Text, nullable=False),        # deadline or reopen
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("when", sa.Text, nullable=False),       # the new deadline ('' removed) or until
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("timestamp", sa.Text, nullable=False),
        sa.Column("entered_at", sa.Text, nullable=True),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("record", sa.Text, nullable=False),     # the act as the assessment JSON writes it
        sa.Column("batch", sa.Text, nullable=False),
        sa.Column("written_at", sa.Text, nullable=False),
        sa.Index("chiso_act_period", "model", "period", "seq"))


def _tables(sa: Any) -> Dict[str, Any]:
    """The tables as this chiso reads and writes them (schema version 2)."""
    meta, tables = _tables_v1(sa)
    p, r = tables["period"], tables["record"]
    p.append_column(sa.Column("time_zone", sa.Text, nullable=False))
    p.append_column(sa.Column("description", sa.Text, nullable=False))
    p.append_column(sa.Column("model_hash", sa.Text, nullable=False))
    p.append_column(sa.Column("deadlines", sa.Text, nullable=False))
    r.append_column(sa.Column("entered_at", sa.Text, nullable=True))
    r.append_column(sa.Column("hash", sa.Text, nullable=False))
    tables["act"] = _act_table(sa, meta)
    return tables


_KEYS = {"chiso_period": ("model", "period"), "chiso_unit": ("model", "period", "id"),
         "chiso_record": ("model", "period", "unit", "criterion", "stage", "time_us")}


def _append_only_ddl(dialect: str, tables: Tuple[str, ...]) -> List[str]:
    """Triggers refusing UPDATE and DELETE (and on PostgreSQL TRUNCATE) on the store's tables, and
    on SQLite an INSERT over an existing row (INSERT OR REPLACE deletes without firing DELETE
    triggers)."""
    if dialect == "sqlite":
        ddl = [f"CREATE TRIGGER {t}_no_{op} BEFORE {op.upper()} ON {t} "
               f"BEGIN SELECT RAISE(ABORT, 'chiso store: {t} is append-only'); END"
               for t in tables for op in ("update", "delete")]
        for t in tables:
            same = " OR ".join(filter(None, [
                "seq = NEW.seq" if t != "chiso_period" and t != "chiso_schema" else "",
                "(" + " AND ".join(f'"{c}" = NEW."{c}"' for c in _KEYS[t]) + ")" if t in _KEYS else ""]))
            if same:
                ddl.append(f"CREATE TRIGGER {t}_no_replace BEFORE INSERT ON {t} "
                           f"WHEN EXISTS (SELECT 1 FROM {t} WHERE {same}) "
                           f"BEGIN SELECT RAISE(ABORT, 'chiso store: {t} is append-only (no replace)'); END")
        return ddl
    if dialect == "postgresql":
        ddl = []
        for t in tables:
            ddl.append(f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
                       f"FOR EACH ROW EXECUTE FUNCTION chiso_append_only()")
            ddl.append(f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION chiso_append_only()")
        return ddl
    return []


_V1_TABLES = ("chiso_schema", "chiso_period", "chiso_unit", "chiso_record")


def _create_v1(conn: "Connection") -> None:
    sa = _sqlalchemy()
    meta, _ = _tables_v1(sa)
    meta.create_all(conn)
    if conn.dialect.name == "postgresql":
        # (%% is psycopg's escape for the % of RAISE.)
        conn.exec_driver_sql("CREATE FUNCTION chiso_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                             "$$ BEGIN RAISE EXCEPTION 'chiso store: %% is append-only', TG_TABLE_NAME; END $$")
    for statement in _append_only_ddl(conn.dialect.name, _V1_TABLES):
        if "_no_replace" not in statement:  # version 1 had no such trigger (added by version 2)
            conn.exec_driver_sql(statement)


def _v1_to_v2(conn: "Connection") -> None:
    """The whole assessment in the store: the period's time zone (periods of version 1 read naive
    times as UTC, and keep doing so), description, model hash ('' for periods stored before: not
    checked) and initial deadlines; each record's entry time and hash; the schedule's acts."""
    sa = _sqlalchemy()
    for column, default in (("time_zone", "UTC"), ("description", ""), ("model_hash", ""), ("deadlines", "{}")):
        conn.exec_driver_sql(f"ALTER TABLE chiso_period ADD COLUMN {column} TEXT NOT NULL DEFAULT '{default}'")
    conn.exec_driver_sql("ALTER TABLE chiso_record ADD COLUMN entered_at TEXT")
    conn.exec_driver_sql("ALTER TABLE chiso_record ADD COLUMN hash TEXT NOT NULL DEFAULT ''")
    meta = sa.MetaData()
    _act_table(sa, meta)
    meta.create_all(conn)
    statements = _append_only_ddl(conn.dialect.name, ("chiso_act",))
    if conn.dialect.name == "sqlite":
        statements += [s for s in _append_only_ddl("sqlite", _V1_TABLES) if "_no_replace" in s]
    for statement in statements:
        conn.exec_driver_sql(statement)


# Migrations: MIGRATIONS[v] takes a store at schema version v to v + 1 inside the writer's
# transaction, then a row (v + 1, time) is appended to chiso_schema. Version 0 is "no store yet".
MIGRATIONS: Dict[int, Callable[["Connection"], None]] = {0: _create_v1, 1: _v1_to_v2}


def _db_now(conn: "Connection") -> int:
    """The database's clock, microseconds since 1970 UTC: the entry clock of a store write."""
    if conn.dialect.name == "postgresql":
        return int(conn.exec_driver_sql("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)")
                   .scalar())
    return int(conn.exec_driver_sql("SELECT CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)")
               .scalar()) * 1000


def _text_time(micros: int) -> str:
    return datetime.fromtimestamp(micros / 1e6, timezone.utc).isoformat(timespec="microseconds")


def _lock(conn: "Connection", key: str) -> None:
    """Serialise writers of one period (SQLite already holds its write lock from BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtextextended(%(key)s, 7331150))", {"key": key})


def _version(conn: "Connection") -> int:
    sa = _sqlalchemy()
    if not sa.inspect(conn).has_table("chiso_schema"):
        return 0
    found = conn.exec_driver_sql("SELECT MAX(version) FROM chiso_schema").scalar()
    return int(found or 0)


def _newer(version: int) -> StoreError:
    return StoreError(f"the store has schema version {version}; this chiso knows up to {SCHEMA_VERSION}: "
                      f"upgrade chiso", id="store.version")


def _upgrade(conn: "Connection") -> int:
    version = _version(conn)
    if version == SCHEMA_VERSION:
        return version
    _lock(conn, "chiso schema")  # also covers the first creation of the tables
    version = _version(conn)
    if version > SCHEMA_VERSION:
        raise _newer(version)
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](conn)
        version += 1
        conn.exec_driver_sql(f"INSERT INTO chiso_schema (version, applied_at) VALUES ({version}, "
                             f"'{_text_time(_db_now(conn))}')")
    return version


def upgrade(url: Url) -> int:
    """Create the store or migrate it to :data:`SCHEMA_VERSION` (one transaction); returns the
    version. ``to_sql`` does this itself; on PostgreSQL run it as the owner role (docs/scale.md)."""
    with _connection(url, write=True) as (_, conn):
        return _upgrade(conn)


def schema_version(url: Url) -> int:
    """The store's schema version (0: no store there yet)."""
    with _connection(url, write=False) as (_, conn):
        return _version(conn)


def grant_writer(url: Url, role: str) -> None:
    """PostgreSQL: let ``role`` read the store and append to it — SELECT and INSERT on its tables,
    its sequences — and nothing else (no UPDATE, DELETE, TRUNCATE, ALTER or DROP). Run it as the
    role that owns the tables (the one that ran :func:`upgrade`)."""
    sa = _sqlalchemy()
    with _connection(url, write=True) as (_, conn):
        if conn.dialect.name != "postgresql":
            raise StoreError("writer roles are a PostgreSQL matter: a SQLite file is guarded by who may "
                             "write the file", id="store.roles")
        name = conn.dialect.identifier_preparer.quote(role)
        tables = ", ".join(sorted(_tables(sa)[k].name for k in ("schema", "period", "unit", "record", "act")))
        conn.exec_driver_sql(f"GRANT SELECT, INSERT ON {tables} TO {name}")
        for table in ("chiso_unit", "chiso_record", "chiso_act"):
            sequence = conn.exec_driver_sql(f"SELECT pg_get_serial_sequence('{table}', 'seq')").scalar()
            conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {sequence} TO {name}")


# Reading ----------------------------------------------------------------------------------------
class _Stored(typing.NamedTuple):
    document: Dict[str, Any]
    model_hash: str
    record_rows: List[Any]
    act_rows: List[Any]


def _stored(conn: "Connection", t: Dict[str, Any], model_id: str, period: str) -> Optional[_Stored]:
    """The period as stored, as an assessment document (None when the store has no such period)."""
    sa = _sqlalchemy()
    p = t["period"].c
    row = conn.execute(sa.select(p.policy, p.time_zone, p.description, p.model_hash, p.deadlines)
                       .where((p.model == model_id) & (p.period == period))).first()
    if row is None:
        return None
    u = t["unit"].c
    units = [{"id": x.id, "name": x.name, "group": x.group} for x in conn.execute(
        sa.select(u.id, u.name, u.group).where((u.model == model_id) & (u.period == period)).order_by(u.seq))]
    r = t["record"].c
    record_rows = conn.execute(sa.select(r.seq, r.unit, r.criterion, r.stage, r.value, r.applicable, r.author,
                                         r.timestamp, r.entered_at, r.hash, r.record)
                               .where((r.model == model_id) & (r.period == period)).order_by(r.seq)).all()
    a = t["act"].c
    act_rows = conn.execute(sa.select(a.seq, a.act, a.stage, a.when, a.author, a.timestamp, a.entered_at, a.hash,
                                      a.record)
                            .where((a.model == model_id) & (a.period == period)).order_by(a.seq)).all()
    document: Dict[str, Any] = {"format": ASSESSMENT_FORMAT, "model": model_id, "period": period}
    if row.description:
        document["description"] = row.description
    document.update({"time_zone": row.time_zone, "policy": json.loads(row.policy)})
    deadlines = json.loads(row.deadlines)
    if deadlines or act_rows:
        document["schedule"] = {"deadlines": deadlines, "acts": [json.loads(x.record) for x in act_rows]}
    document["units"] = units
    document["records"] = [json.loads(x.record) for x in record_rows]
    return _Stored(document, row.model_hash, record_rows, act_rows)


def _check_columns(stored: _Stored, where: str) -> None:
    """The queryable columns must say what the stored JSON says (a change made in the columns
    alone would mislead every query)."""
    for row in stored.record_rows:
        record = json.loads(row.record)
        if not record.get("hash"):  # stored before version 2: its columns predate entry times
            columns = {"entered_at": record.get("entered_at"), "hash": ""}
        else:
            columns = {"entered_at": row.entered_at, "hash": row.hash}
        columns.update(unit=row.unit, criterion=row.criterion, stage=row.stage, value=row.value,
                       applicable=bool(row.applicable), author=row.author, timestamp=row.timestamp)
        for name, value in columns.items():
            if record.get(name, "" if name == "hash" else None) != value:
                raise StoreError(f"{where}: chiso_record seq {row.seq} ({row.unit}, {row.criterion}, {row.stage}): "
                                 f"the column {name} holds {value!r} but the record holds {record.get(name)!r}: the "
                                 f"table was changed behind chiso's back", id="store.tampered", seq=row.seq,
                                 unit=row.unit, criterion=row.criterion)
    for row in stored.act_rows:
        act = json.loads(row.record)
        when = act.get("until", act.get("deadline"))
        for name, value in (("act", row.act), ("stage", row.stage), ("when", row.when), ("author", row.author),
                            ("timestamp", row.timestamp), ("entered_at", row.entered_at), ("hash", row.hash)):
            held = when if name == "when" else act.get(name)
            if held != value:
                raise StoreError(f"{where}: chiso_act seq {row.seq}: the column {name} holds {value!r} but the act "
                                 f"holds {held!r}: the table was changed behind chiso's back", id="store.tampered",
                                 seq=row.seq)


def _model_hash(model: Any) -> str:  # a chiso.Model
    """SHA-256 of the model's JSON as chiso writes it (lossless and deterministic)."""
    return hashlib.sha256(model.to_json().encode("utf-8")).hexdigest()


def _check_model(stored: _Stored, model: Any, where: str) -> None:
    if stored.model_hash and stored.model_hash != _model_hash(model):
        raise StoreError(f"{where}: the period was stored with another version of model {model.id!r} (SHA-256 "
                         f"{stored.model_hash[:12]}…, the model given has {_model_hash(model)[:12]}…); give the "
                         f"model it was scored with", id="store.model_changed")


def _open_version(conn: "Connection", engine: "Engine") -> None:
    version = _version(conn)
    if version == 0:
        raise StoreError(f"{_shown(engine)} holds no chiso record store", id="store.empty")
    if version > SCHEMA_VERSION:
        raise _newer(version)
    if version < SCHEMA_VERSION:
        raise StoreError(f"{_shown(engine)} holds a store of schema version {version}: run chiso.store.upgrade "
                         f"(as its owner) to read it with this chiso", id="store.old_version")


def read(url: Url, model: Any, period: str, *, verify: bool = True) -> Any:
    """The assessment of ``model`` and ``period`` as stored (units, schedule and every record in
    the order written), loaded by chiso's assessment loader: errors name the store and the record.
    The hash chains, the columns against the stored JSON and the model's hash are checked;
    ``verify=False`` reads anyway (forensics)."""
    sa = _sqlalchemy()
    t = _tables(sa)
    period = str(period)
    with _connection(url, write=False) as (engine, conn):
        _open_version(conn, engine)
        stored = _stored(conn, t, model.id, period)
        where = f"{_shown(engine)} chiso_record (in the order written)"
        if stored is None:
            raise StoreError(f"the store holds no assessment of model {model.id!r}, period {period!r}",
                             id="store.no_period")
    if verify:
        _check_columns(stored, _shown(engine))
        _check_model(stored, model, _shown(engine))
    core = _core_a.Assessment.parse_json(json.dumps(stored.document, ensure_ascii=False), model._core, where, verify)
    return core  # chiso.Assessment.from_sql wraps it


# Writing ----------------------------------------------------------------------------------------
_ENTRY_FIELDS = ("entered_at", "hash")


def _content(entry: Mapping[str, Any]) -> Dict[str, Any]:
    """A record or act as the user gave it: what is compared between a writer and the store."""
    return {k: v for k, v in entry.items() if k not in _ENTRY_FIELDS}


def _period_conflicts(stored: Dict[str, Any], mine: Dict[str, Any]) -> Optional[str]:
    for field in ("time_zone", "policy"):
        if stored.get(field) != mine.get(field):
            return f"{field} {mine.get(field)!r}, where the store holds {stored.get(field)!r}"
    if mine.get("description") and mine.get("description") != stored.get("description"):
        return "another description"
    deadlines = mine.get("schedule", {}).get("deadlines", {})
    if deadlines and deadlines != stored.get("schedule", {}).get("deadlines", {}):
        return f"initial deadlines {deadlines}, where the store holds {stored.get('schedule', {}).get('deadlines', {})}"
    return None


def write(assessment: Any, url: Url) -> int:  # a chiso.Assessment (which calls this module)
    """Append what the store does not hold yet of the assessment — units, schedule acts and
    records — in one locked transaction; returns the number of records appended. The first write
    of a period imports it as it is (records keep their entry times). Later writes enter the new
    records and acts at the database's clock, checked against the stored history; a record that
    the store holds with other contents (same unit, criterion, stage and date) is a conflict
    (``store.record_conflict``). Any refusal leaves the store as it was."""
    sa = _sqlalchemy()
    t = _tables(sa)
    mine = json.loads(assessment._core.to_json())
    model_id, period = mine["model"], mine["period"]
    model_hash = _model_hash(assessment.model)
    batch = uuid.uuid4().hex
    with _connection(url, write=True) as (engine, conn):
        _upgrade(conn)
        _lock(conn, f"{model_id}\x1f{period}")
        now = _db_now(conn)
        written_at = _text_time(now)
        stored = _stored(conn, t, model_id, period)
        if stored is None:
            merged = assessment._core
            conn.execute(t["period"].insert().values(
                model=model_id, period=period, policy=json.dumps(mine["policy"]), created_at=written_at,
                time_zone=mine["time_zone"], description=mine.get("description", ""), model_hash=model_hash,
                deadlines=json.dumps(mine.get("schedule", {}).get("deadlines", {}), ensure_ascii=False)))
            new_units = mine["units"]
            new_acts = mine.get("schedule", {}).get("acts", [])
            new_records = mine["records"]
        else:
            place = f"{_shown(engine)}, model {model_id!r}, period {period!r}"
            _check_model(stored, assessment.model, place)
            conflict = _period_conflicts(stored.document, mine)
            if conflict:
                raise StoreError(f"{place}: the assessment written has {conflict}", id="store.period_conflict")
            merged = _core_a.Assessment.parse_json(json.dumps(stored.document, ensure_ascii=False),
                                                   assessment.model._core, f"{_shown(engine)} chiso_record", True)
            new_units = _new_units(stored.document["units"], mine["units"], model_id)
            merged.add_units([(u["id"], u.get("name", ""), u.get("group", "")) for u in new_units])
            new_acts = _enter_acts(merged, stored.document, mine, now)
            new_records = _enter_records(merged, stored.document, mine, now)
        if new_units:
            conn.execute(t["unit"].insert(), [{"model": model_id, "period": period, "id": u["id"],
                                               "name": u.get("name", ""), "group": u.get("group", "")}
                                              for u in new_units])
        if new_acts:
            conn.execute(t["act"].insert(), [
                {"model": model_id, "period": period, "act": a["act"], "stage": a["stage"],
                 "when": a.get("until", a.get("deadline", "")), "author": a["author"], "timestamp": a["timestamp"],
                 "entered_at": a.get("entered_at"), "hash": a["hash"],
                 "record": json.dumps(a, ensure_ascii=False, separators=(",", ":")), "batch": batch,
                 "written_at": written_at} for a in new_acts])
        if new_records:
            conn.execute(t["record"].insert(), [dict(_record_row(merged, r), model=model_id, period=period,
                                                     batch=batch, written_at=written_at) for r in new_records])
    return len(new_records)


def _new_units(stored: List[Dict[str, Any]], mine: List[Dict[str, Any]], model_id: str) -> List[Dict[str, Any]]:
    held = {u["id"]: (u.get("name", ""), u.get("group", "")) for u in stored}
    new = []
    for u in mine:
        name, group = u.get("name", ""), u.get("group", "")
        if u["id"] not in held:
            new.append(u)
        elif held[u["id"]] != (name, group):
            raise StoreError(f"unit {u['id']!r} of {model_id} is stored as {held[u['id']]}, not {(name, group)}",
                             id="store.unit_conflict", unit=u["id"])
    return new


def _enter_acts(merged: Any, stored: Dict[str, Any], mine: Dict[str, Any], now: int) -> List[Dict[str, Any]]:
    """The writer's schedule acts that the store does not hold, entered at the database's clock."""
    held = [_content(a) for a in stored.get("schedule", {}).get("acts", [])]
    count = 0
    for act in mine.get("schedule", {}).get("acts", []):
        if _content(act) in held:
            continue
        if act["act"] == "reopen":
            merged.reopen(act["stage"], act["until"], act["note"], act["author"], act["timestamp"], now)
        else:
            merged.set_deadline(act["stage"], act["deadline"], act["note"], act["author"], act["timestamp"], now)
        count += 1
    acts = json.loads(merged.to_json()).get("schedule", {}).get("acts", [])
    return acts[len(acts) - count:] if count else []


def _enter_records(merged: Any, stored: Dict[str, Any], mine: Dict[str, Any], now: int) -> List[Dict[str, Any]]:
    """The writer's records that the store does not hold, entered at the database's clock and
    checked with the stored history (all or nothing, naming the writer's record)."""
    held = {}
    for record in stored["records"]:
        key = (record["unit"], record["criterion"], record["stage"], merged.instant(record["timestamp"]))
        held[key] = _content(record)
    new, names = [], []
    for i, record in enumerate(mine["records"]):
        key = (record["unit"], record["criterion"], record["stage"], merged.instant(record["timestamp"]))
        if key in held:
            if held[key] != _content(record):
                raise StoreError(
                    f"to_sql /records/{i}: unit {record['unit']!r}, criterion {record['criterion']!r}: the store "
                    f"already holds a different {record['stage']} record at {record['timestamp']} (a record is "
                    f"superseded by a later one, never replaced)", id="store.record_conflict",
                    unit=record["unit"], criterion=record["criterion"])
            continue
        held[key] = _content(record)
        new.append(_content(record))
        names.append(f"to_sql batch:/records/{i}")
    if not new:
        return []
    columns = {name: [r.get(name) for r in new] for name in
               ("unit", "criterion", "stage", "value", "applicable", "evidence", "note", "author", "timestamp",
                "explanation")}
    # Records the assessment already accepted (imported ones may predate authors), entered again
    # at the database's clock.
    merged.add(columns, "to_sql batch", now=now, row_names=names, author_required=False)
    return json.loads(merged.to_json())["records"][-len(new):]


def _record_row(merged: Any, record: Mapping[str, Any]) -> Dict[str, Any]:
    """The queryable columns of a record as chiso's assessment JSON holds it."""
    value = record.get("value")
    return {
        "unit": record["unit"], "criterion": record["criterion"], "stage": record["stage"],
        "value": None if value is None else float(value), "applicable": bool(record.get("applicable", True)),
        "author": record.get("author", ""), "timestamp": record["timestamp"],
        "time_us": int(merged.instant(record["timestamp"])), "entered_at": record.get("entered_at"),
        "hash": record["hash"], "record": json.dumps(record, ensure_ascii=False, separators=(",", ":")),
    }


# Verifying --------------------------------------------------------------------------------------
def verify(source: Url, period: Optional[str] = None, model: Optional[str] = None,
           expect: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """The state of the hash chains of an assessment file, or of each stored assessment of
    ``period`` (of model id ``model``, when given), read without the model: one dict per
    assessment with ``source, model, period, records, unchained, first_broken, problem, head,
    missing`` (``head``: the hash of the last record, printed on reports too).

    ``expect``: hashes noted earlier (a report's, an earlier ``verify``'s; at least their first 16
    hex digits), each of which must still be in the chain — the chain alone cannot tell that its
    last records were removed. One that is not is listed in ``missing`` and named in ``problem``.
    With a store holding several models for the period, ``model`` is then required."""
    path = os.fspath(source) if isinstance(source, (str, os.PathLike)) else ""
    if path and "://" not in path and not os.path.isfile(path):  # (SQLite would create an empty file)
        raise DataError(f"{path}: no such file", id="io.open", source=path)
    if path and "://" not in path and not _is_sqlite(path):
        with open(path, encoding="utf-8", errors="surrogateescape") as file:
            text = file.read()
        state = dict(_core_a.check_chain(text, path, list(expect)))
        document = json.loads(text)
        if period is not None and str(document.get("period")) != str(period):
            raise StoreError(f"{path} is the assessment of period {document.get('period')!r}, not {period!r}",
                             id="store.no_period")
        return [dict(state, source=path, model=document.get("model"), period=document.get("period"))]
    if period is None:
        raise StoreError("verifying a store needs the period (--period)", id="store.no_period")
    sa = _sqlalchemy()
    t = _tables(sa)
    out = []
    with _connection(source, write=False) as (engine, conn):
        _open_version(conn, engine)
        p = t["period"].c
        query = sa.select(p.model).where(p.period == str(period)).order_by(p.model)
        models = [m for (m,) in conn.execute(query) if model is None or m == model]
        if not models:
            raise StoreError(f"the store holds no assessment of period {period!r}"
                             + (f" of model {model!r}" if model else ""), id="store.no_period")
        if expect and len(models) > 1:
            raise StoreError(f"the store holds period {period!r} of models {', '.join(models)}: name the one the "
                             "noted hashes belong to (--model)", id="store.which_model")
        for model_id in models:
            stored = typing.cast(_Stored, _stored(conn, t, model_id, str(period)))
            state = dict(_core_a.check_chain(json.dumps(stored.document, ensure_ascii=False), _shown(engine),
                                             list(expect)))
            try:
                _check_columns(stored, _shown(engine))
            except StoreError as error:
                state["problem"] = (state["problem"] + "; " if state["problem"] else "") + str(error)
            out.append(dict(state, source=_shown(engine), model=model_id, period=str(period)))
    return out


def _is_sqlite(path: str) -> bool:
    with open(path, "rb") as file:
        return file.read(16) == b"SQLite format 3\x00"


def _verify_command(args: argparse.Namespace) -> int:
    broken = False
    for state in verify(args.source, args.period, args.model, args.expect or ()):
        # (a noted hash that is missing sets the problem too)
        bad = state["first_broken"] is not None or state["first_broken_act"] is not None or bool(state["problem"])
        broken = broken or bad
        print(f"{state['source']}: model {state['model']}, period {state['period']}: {state['records']} records"
              + (f" ({state['unchained']} written before hash chains)" if state["unchained"] else "")
              + f", {state['acts']} schedule acts: "
              + (f"BROKEN: {state['problem']}" if bad else "chain intact")
              + f"; last record hash {state['head']}")
    return 1 if broken else 0


def add_verify_command(commands: Any) -> None:
    """Registers ``chiso verify`` on the command line's subparsers."""
    p = commands.add_parser("verify", help="check the hash chains of an assessment file or store",
                            description="Check the hash chains of an assessment JSON file, or of the assessments "
                                        "of a period in a record store (a SQLite file or a database URL). Prints "
                                        "one line per assessment with the hash of its last record; exit 1 when a "
                                        "chain is broken.")
    p.add_argument("source", metavar="FILE|URL", help="an assessment .json file, a SQLite store or a database URL")
    p.add_argument("--period", help="the period (required for a store)")
    p.add_argument("--model", help="the model id (a store holding several models for the period)")
    p.add_argument("--expect", action="append", metavar="HASH",
                   help="a hash noted earlier (a report's last record hash, at least its first 16 hex digits) "
                        "that must still be in the chain: detects removed last records (repeatable)")
    p.set_defaults(run=_verify_command)
