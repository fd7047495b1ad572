"""chiso.store: assessment records in SQLite and in a real PostgreSQL server (installed from
Debian and started here, on loopback, in a temporary directory). Expected contents are the
records the test itself wrote; the worked example is the one of test_assessment.py."""
from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import chiso
from chiso import store
from chiso.assessment import Assessment
from mini_par import T1, T2, UNITS, mini_par_model, not_applicable, self_and_round1

HERE = Path(__file__).resolve().parent

MODEL = mini_par_model(survey=False, missing="zero")


def worked_records():
    return (self_and_round1("u1", "A1.1", 2, 1.5, "Thiếu tài liệu kiểm chứng") +
            self_and_round1("u1", "A1.3", 100, evidence="45/BC-UBND|46/BC-UBND") +
            self_and_round1("u2", "A1.1", 1.75, evidence="") +
            [not_applicable("u3", "A1.2", "Không có nhiệm vụ báo cáo")])


def batch_records(writer: int, batch: int, size: int):
    """Self records of batch `batch` of writer `writer`: A1.1 of every unit, one timestamp per
    record, distinct across writers and batches."""
    rows = []
    for i in range(size):
        minute = (writer * 1000 + batch * size + i)
        stamp = pd.Timestamp("2023-10-01T00:00:00Z") + pd.Timedelta(minutes=minute)
        rows.append(dict(unit=UNITS["id"][i % 3], criterion="A1.1", stage="self", value=(i % 9) * 0.25,
                         author=f"writer {writer}", timestamp=stamp.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return rows


def new_assessment(records=()):
    return Assessment(chiso.load_model(MODEL), "2023", UNITS, list(records) or None)


# PostgreSQL -----------------------------------------------------------------------------------
def _pg_bin() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not candidates:
        if os.geteuid() != 0:
            raise RuntimeError("PostgreSQL (pg_ctl, initdb) is missing and only root can apt-get install it")
        apt = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=apt,
                       stdout=subprocess.DEVNULL)
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not candidates:
            raise RuntimeError("apt-get install postgresql did not provide pg_ctl")
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    """A PostgreSQL server of our own: initdb into a temporary directory, started on a free
    loopback port, stopped at the end. It fails (never skips) when it cannot start."""
    bin_dir = _pg_bin()
    root = tempfile.mkdtemp(prefix="chiso-pg-")
    data = os.path.join(root, "data")
    # The server refuses to run as root: run it as the postgres user when we are root.
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(root, "postgres")
    port = _free_port()
    subprocess.run(as_user + [str(bin_dir / "initdb"), "-D", data, "-U", "chiso", "-A", "trust", "-E", "UTF8",
                              "--no-sync"], check=True, stdout=subprocess.DEVNULL)
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(as_user + [str(bin_dir / "pg_ctl"), "-D", data, "-o", options, "-l", os.path.join(root, "log"),
                              "-w", "-t", "30", "start"], check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"postgresql://chiso@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_user + [str(bin_dir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "-t", "30", "stop"],
                       stdout=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


_pg_databases = iter(range(10**6))


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A new, empty store on each engine."""
    if request.param == "sqlite":
        return str(tmp_path / "records.db")
    base = request.getfixturevalue("postgres_url")
    name = f"store{next(_pg_databases)}"
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} STRATEGY FILE_COPY")
    engine.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


@contextlib.contextmanager
def _engine(url):
    engine = store.connect(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _rows(frame: pd.DataFrame):
    return sorted((r.unit, r.criterion, r.stage, r.timestamp, r.author,
                   None if pd.isna(r.value) else float(r.value)) for r in frame.itertuples())


# Tests ----------------------------------------------------------------------------------------
def test_round_trip_keeps_every_field(url):
    a = new_assessment(worked_records())
    assert a.to_sql(url) == 5
    b = Assessment.from_sql(url, chiso.load_model(MODEL), "2023")
    # Lossless: the same document as the in-memory assessment (units, every record, in order).
    assert json.loads(b.to_json()) == json.loads(a.to_json())
    assert b.records["evidence"][2] == ["45/BC-UBND", "46/BC-UBND"]
    assert b.records["note"][4] == "Không có nhiệm vụ báo cáo"
    # u1: the appraisal 1.5 of A1.1 is in force, A1.2 missing → 0, A1.3 100 % → 2 points:
    # 3.5 of 5 points on the scale of 100.
    assert b.final_results().loc["u1", "index"] == 70.0
    # The well-known columns are there for queries, and the JSON column holds chiso's record.
    with _engine(url) as engine, engine.connect() as conn:
        got = conn.exec_driver_sql("SELECT unit, criterion, stage, value, applicable, author, timestamp, record "
                                   "FROM chiso_record ORDER BY seq").all()
    assert [tuple(r[:7]) for r in got][4] == ("u3", "A1.2", "self", None, False, "Phòng Nội vụ", T1)
    assert [json.loads(r[7]) for r in got] == json.loads(a.to_json())["records"]


def test_appends_only_what_is_new_and_supersedes(url):
    a = new_assessment(worked_records())
    assert a.to_sql(url) == 5
    assert a.to_sql(url) == 0
    a.add(dict(unit="u2", criterion="A1.1", stage="self", value=2, author="Phòng Nội vụ",
               timestamp="2023-10-20T09:00:00+07:00"))
    assert a.to_sql(url) == 1
    b = Assessment.from_sql(url, MODEL, "2023")
    history = b.history("u2", "A1.1")
    assert history["value"].tolist() == [1.75, 2.0]  # the earlier record stays, superseded
    assert b.final_results().loc["u2", "index"] == 40.0  # 2 of 5 points (was 1.75: 35)
    assert store.schema_version(url) == store.SCHEMA_VERSION == 1


def test_conflicting_record_is_refused_and_nothing_written(url):
    new_assessment(worked_records()).to_sql(url)
    changed = worked_records()
    changed[3]["value"] = 0.5  # same unit, criterion, stage and time as a stored record
    extra = dict(unit="u3", criterion="A1.1", stage="self", value=1, author="x", timestamp=T2)
    with pytest.raises(store.StoreError, match=r"u2.*A1\.1.*different self record") as info:
        new_assessment(changed + [extra]).to_sql(url)
    assert info.value.id == "store.record_conflict"
    b = Assessment.from_sql(url, MODEL, "2023")
    assert len(b.records) == 5 and b.records["value"][3] == 1.75


def test_tables_are_append_only(url):
    new_assessment(worked_records()).to_sql(url)
    with _engine(url) as engine:
        _refuse_changes(engine)
    assert Assessment.from_sql(url, MODEL, "2023").records["value"][1] == 1.5


def _refuse_changes(engine):
    statements = ["UPDATE chiso_record SET value = 0", "DELETE FROM chiso_record", "DELETE FROM chiso_unit",
                  "UPDATE chiso_schema SET version = 2"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE chiso_record")
    for statement in statements:
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as conn:
                conn.exec_driver_sql(statement)


def test_schema_version_guard_and_missing_period(url):
    with pytest.raises(store.StoreError, match="no chiso record store"):
        Assessment.from_sql(url, MODEL, "2023")
    assert store.upgrade(url) == 1 and store.upgrade(url) == 1
    with pytest.raises(store.StoreError, match="no assessment of model 'mini', period '2024'"):
        Assessment.from_sql(url, MODEL, "2024")
    with _engine(url) as engine, engine.begin() as conn:  # a store migrated by a newer chiso
        conn.exec_driver_sql("INSERT INTO chiso_schema (version, applied_at) VALUES (2, 'later')")
    with pytest.raises(store.StoreError, match="schema version 2; this chiso knows up to 1") as info:
        new_assessment(worked_records()).to_sql(url)
    assert info.value.id == "store.version"


def test_bad_stored_record_is_named_by_the_loader(url):
    """A record inserted behind chiso's back is checked by chiso's loader on reading."""
    new_assessment(worked_records()).to_sql(url)
    bad = dict(unit="u9", criterion="A1.1", stage="self", value=1, applicable=True, evidence=[], note="",
               author="", timestamp=T1)
    with _engine(url) as engine, engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO chiso_record (model, period, unit, criterion, stage, value, applicable, author, timestamp, "
            "time_us, record, batch, written_at) VALUES ('mini', '2023', 'u9', 'A1.1', 'self', 1, :t, '', :ts, 0, "
            ":r, 'manual', 'now')"), {"t": True, "ts": T1, "r": json.dumps(bad)})
    with pytest.raises(chiso.DataError, match="u9") as info:
        Assessment.from_sql(url, MODEL, "2023")
    assert "chiso_record" in str(info.value.source) and "/records/5" in str(info.value.source)


WRITER = """
import sys, time
sys.path.insert(0, {here!r})
import sqlalchemy as sa
from chiso import store
from test_store import new_assessment, batch_records
url, writer, batches, size, stall = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
engine = store.connect(url)
if stall < 0:  # start together: wait for the parent's go
    print("ready", flush=True)
    sys.stdin.readline()
current = [-1]
@sa.event.listens_for(engine, "after_cursor_execute")
def _stall(conn, cursor, statement, *args):
    if current[0] == stall and statement.startswith("INSERT INTO chiso_record"):
        print("mid", flush=True)   # inside the transaction, records inserted, not committed
        time.sleep(120)
a = new_assessment()
for k in range(batches):
    current[0] = k
    a.add(batch_records(writer, k, size))
    assert a.to_sql(engine) == size
    print("committed", k, flush=True)
"""


def _writer(url, writer, batches, size, stall=-1):
    return subprocess.Popen([sys.executable, "-c", WRITER.format(here=str(HERE)), url, str(writer), str(batches),
                             str(size), str(stall)], stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)


def test_writer_killed_mid_batch_leaves_exactly_the_committed_records(url):
    writer = _writer(url, 0, 5, 200, stall=2)
    lines = []
    for line in writer.stdout:
        lines.append(line.strip())
        if line.strip() == "mid":
            break
    writer.send_signal(signal.SIGKILL)
    writer.wait(30)
    writer.stdout.close()
    writer.stdin.close()
    assert lines == ["committed 0", "committed 1", "mid"]
    b = Assessment.from_sql(url, MODEL, "2023")
    expected = pd.DataFrame(batch_records(0, 0, 200) + batch_records(0, 1, 200))
    assert len(b.records) == 400
    assert _rows(b.records) == _rows(expected)
    # The store takes writes again (SQLite rolled back the hot journal, PostgreSQL aborted).
    a = new_assessment(batch_records(0, 2, 200))
    assert a.to_sql(url) == 200


def test_two_processes_appending_at_once_lose_nothing(url):
    store.upgrade(url)
    writers = [_writer(url, w, 4, 50) for w in (1, 2)]
    assert [w.stdout.readline().strip() for w in writers] == ["ready", "ready"]
    for w in writers:
        w.stdin.write("go\n")
        w.stdin.flush()
    outputs = [w.communicate(timeout=60)[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs
    b = Assessment.from_sql(url, MODEL, "2023")
    expected = pd.DataFrame([r for w in (1, 2) for k in range(4) for r in batch_records(w, k, 50)])
    assert len(b.records) == 400
    assert _rows(b.records) == _rows(expected)
