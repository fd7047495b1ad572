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
    assert b.records["entered_at"].isna().all()  # given with the assessment, without entry times: imported
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
    assert store.schema_version(url) == store.SCHEMA_VERSION == 2


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
    assert store.upgrade(url) == 2 and store.upgrade(url) == 2
    with pytest.raises(store.StoreError, match="no assessment of model 'mini', period '2024'"):
        Assessment.from_sql(url, MODEL, "2024")
    with _engine(url) as engine, engine.begin() as conn:  # a store migrated by a newer chiso
        conn.exec_driver_sql("INSERT INTO chiso_schema (version, applied_at) VALUES (3, 'later')")
    with pytest.raises(store.StoreError, match="schema version 3; this chiso knows up to 2") as info:
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
            "time_us, record, batch, written_at, hash) VALUES ('mini', '2023', 'u9', 'A1.1', 'self', 1, :t, '', :ts, "
            "0, :r, 'manual', 'now', '')"), {"t": True, "ts": T1, "r": json.dumps(bad)})
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


# Issue 22: the record is evidence ----------------------------------------------------------------
def test_issue_22_1_two_writers_conflicting_batches_second_refused_and_the_period_reloads(url):
    """Writer A stores a self score 2 and an unchanged appraisal 2 (20/11); writer B, from its own
    copy, stores a self correction 1.5 dated 15/11: B's batch is refused whole, naming its record,
    and the stored period reloads."""
    copy_of_b = new_assessment([dict(unit="u1", criterion="A1.1", stage="self", value=2, author="Phòng Nội vụ",
                                     timestamp="2023-10-01")])
    assert copy_of_b.to_sql(url) == 1
    a = Assessment.from_sql(url, MODEL, "2023")
    a.add(dict(unit="u1", criterion="A1.1", stage="appraisal", value=2, author="Hội đồng", timestamp="2023-11-20"))
    assert a.to_sql(url) == 1
    copy_of_b.add([dict(unit="u2", criterion="A1.1", stage="self", value=1, author="Phòng Nội vụ",
                        timestamp="2023-10-02"),
                   dict(unit="u1", criterion="A1.1", stage="self", value=1.5, author="Phòng Nội vụ",
                        timestamp="2023-11-15")])
    with pytest.raises(chiso.DataError) as info:
        copy_of_b.to_sql(url)
    assert info.value.id == "assessment.reason_missing"
    assert (info.value.unit, info.value.criterion) == ("u1", "A1.1")
    assert info.value.source == "to_sql batch:/records/2"  # B's third record: its first two are fine
    b = Assessment.from_sql(url, MODEL, "2023")
    assert b.records[["unit", "stage", "value"]].values.tolist() == [["u1", "self", 2.0], ["u1", "appraisal", 2.0]]


def test_issue_22_3_the_store_keeps_the_schedule_and_refuses_late_records_of_other_writers(url):
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS, worked_records(),
                   deadlines={"self": "2023-10-31", "appraisal": "2023-11-30"})
    a.reopen("self", "2099-12-31", "Gia hạn cho đơn vị mới sáp nhập", author="Sở Nội vụ")
    a.set_deadline("explanation", "2023-12-10", reason="Lịch giải trình", author="Sở Nội vụ")
    a.to_sql(url)
    b = Assessment.from_sql(url, MODEL, "2023")
    assert json.loads(b.to_json()) == json.loads(a.to_json())  # the whole assessment, schedule included
    assert b.deadlines == {"self": "2023-10-31", "appraisal": "2023-11-30", "explanation": "2023-12-10"}
    assert b.reopenings[["stage", "until", "author"]].values.tolist() == [
        ["self", "2099-12-31", "Sở Nội vụ"]]
    # Another writer, from a copy without the schedule, appends an appraisal after its deadline.
    other = new_assessment()
    other.add(dict(unit="u2", criterion="A1.1", stage="appraisal", value=1, note="Thiếu", author="x",
                   timestamp="2023-11-29"))
    with pytest.raises(chiso.DataError) as info:
        other.to_sql(url)
    assert info.value.id == "assessment.deadline" and "appraisal stage closed" in str(info.value)
    # A self record is taken: the stage is reopened, and its entry (the database's clock) is set by the store.
    other = new_assessment()
    other.add(dict(unit="u2", criterion="A1.2", stage="self", value=1, author="x", timestamp="2023-10-20"))
    assert other.to_sql(url) == 1
    stored = Assessment.from_sql(url, MODEL, "2023").records.iloc[-1]
    entered = pd.Timestamp(stored["entered_at"])
    assert abs(entered - pd.Timestamp.now(tz="UTC")) < pd.Timedelta(minutes=5)


def test_issue_22_4_time_zone_and_acts_are_stored(url):
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS, time_zone="UTC", description="Kỳ 2023")
    a.add(dict(unit="u1", criterion="A1.1", stage="self", value=2, author="x", timestamp="2023-10-31T09:00:00"))
    a.to_sql(url)
    b = Assessment.from_sql(url, MODEL, "2023")
    assert (b.time_zone, b.description) == ("UTC", "Kỳ 2023")
    with _engine(url) as engine, engine.connect() as conn:
        # 09:00 in UTC; in the default zone (Hanoi) it would be 02:00 UTC.
        assert conn.exec_driver_sql("SELECT time_us FROM chiso_record").scalar() == \
            int(pd.Timestamp("2023-10-31T09:00:00Z").value // 1000)


def _tamper(url, statement):
    with _engine(url) as engine, engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # the owner may disable the triggers
            conn.exec_driver_sql("ALTER TABLE chiso_record DISABLE TRIGGER USER")
            conn.exec_driver_sql(statement)
            conn.exec_driver_sql("ALTER TABLE chiso_record ENABLE TRIGGER USER")
        else:  # whoever can write the file can drop a trigger
            conn.exec_driver_sql("DROP TRIGGER chiso_record_no_update")
            conn.exec_driver_sql("DROP TRIGGER chiso_record_no_delete")
            conn.exec_driver_sql(statement)


def test_issue_22_2_changes_behind_chisos_back_are_detected_on_reading(url):
    new_assessment(worked_records()).to_sql(url)
    # The council's cut of u1 A1.1 (1.5) rewritten to 2, in the JSON and the column alike.
    _tamper(url, "UPDATE chiso_record SET value = 2, record = REPLACE(record, '\"value\":1.5', '\"value\":2') "
                 "WHERE unit = 'u1' AND stage = 'appraisal' AND criterion = 'A1.1'")
    with pytest.raises(chiso.DataError) as info:
        Assessment.from_sql(url, MODEL, "2023")
    assert info.value.id == "assessment.chain" and info.value.source.endswith("/records/1")
    assert (info.value.unit, info.value.criterion) == ("u1", "A1.1")
    forensic = Assessment.from_sql(url, MODEL, "2023", verify=False)
    assert forensic.records["value"][1] == 2
    [state] = store.verify(url, "2023")
    assert state["first_broken"] == 1 and "does not match its hash" in state["problem"]


def test_issue_22_2_a_column_changed_alone_is_detected(url):
    new_assessment(worked_records()).to_sql(url)
    _tamper(url, "UPDATE chiso_record SET value = 2 WHERE unit = 'u1' AND stage = 'appraisal' AND criterion = 'A1.1'")
    with pytest.raises(store.StoreError) as info:
        Assessment.from_sql(url, MODEL, "2023")
    assert info.value.id == "store.tampered" and "column value holds 2.0" in str(info.value)


def test_issue_22_2_a_deleted_record_is_detected(url):
    new_assessment(worked_records()).to_sql(url)
    _tamper(url, "DELETE FROM chiso_record WHERE unit = 'u1' AND stage = 'appraisal' AND criterion = 'A1.1'")
    with pytest.raises(chiso.DataError) as info:
        Assessment.from_sql(url, MODEL, "2023")
    assert info.value.id == "assessment.chain" and info.value.source.endswith("/records/1")


def test_issue_22_2_sqlite_insert_or_replace_is_refused(tmp_path):
    path = str(tmp_path / "records.db")
    new_assessment(worked_records()).to_sql(path)
    with _engine(path) as engine:
        for statement in ("INSERT OR REPLACE INTO chiso_record SELECT * FROM chiso_record WHERE seq = 2",
                          "REPLACE INTO chiso_unit SELECT * FROM chiso_unit WHERE seq = 1",
                          "INSERT OR REPLACE INTO chiso_period SELECT * FROM chiso_period"):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                with engine.begin() as conn:
                    conn.exec_driver_sql(statement)
    assert Assessment.from_sql(path, MODEL, "2023").records["value"][1] == 1.5


def _role_url(base, database, role):
    return base.rsplit("/", 1)[0].replace("chiso@", f"{role}@") + "/" + database


def test_issue_22_2_postgresql_roles_a_writer_may_only_read_and_append(postgres_url):
    """The documented roles: an owner creates the schema, writers get SELECT and INSERT only; as a
    non-owner writer, UPDATE, DELETE, TRUNCATE, ALTER and DROP are refused."""
    admin = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in ("CREATE ROLE par_owner LOGIN", "CREATE ROLE officer LOGIN",
                          "CREATE DATABASE par_roles OWNER par_owner"):
            conn.exec_driver_sql(statement)
    admin.dispose()
    owner = _role_url(postgres_url, "par_roles", "par_owner")
    writer = _role_url(postgres_url, "par_roles", "officer")
    with pytest.raises(store.StoreError) as info:  # no grant yet: the writer cannot even read
        new_assessment(worked_records()).to_sql(writer)
    assert info.value.id == "store.database" and "permission denied" in str(info.value)
    store.upgrade(owner)
    store.grant_writer(owner, "officer")
    assert new_assessment(worked_records()).to_sql(writer) == 5
    a = Assessment.from_sql(writer, MODEL, "2023")
    a.add(dict(unit="u2", criterion="A1.2", stage="self", value=1, author="officer", timestamp=T2))
    assert a.to_sql(writer) == 1
    with _engine(writer) as engine:
        for statement in ("UPDATE chiso_record SET value = 0", "DELETE FROM chiso_record",
                          "TRUNCATE chiso_record", "ALTER TABLE chiso_record DISABLE TRIGGER USER",
                          "ALTER TABLE chiso_record ADD COLUMN x TEXT", "DROP TABLE chiso_record",
                          "DROP TRIGGER chiso_record_append_only ON chiso_record", "DELETE FROM chiso_period",
                          "UPDATE chiso_act SET author = ''"):
            with pytest.raises(sa.exc.DatabaseError):
                with engine.begin() as conn:
                    conn.exec_driver_sql(statement)
    assert len(Assessment.from_sql(writer, MODEL, "2023").records) == 6


def test_issue_22_1_migration_from_version_1_tables(url):
    """A store made by chiso 0.3 (schema version 1, its rows as it wrote them) opens with this
    chiso after the migration: its records load as imported history, naive times in UTC as then."""
    with _engine(url) as engine, engine.begin() as conn:
        store.MIGRATIONS[0](conn)
        conn.exec_driver_sql("INSERT INTO chiso_schema (version, applied_at) VALUES (1, '2025-01-01')")
        conn.exec_driver_sql("INSERT INTO chiso_period (model, period, policy, created_at) VALUES "
                             "('mini', '2023', '{\"require_appraisal\": false}', '2025-01-01')")
        conn.exec_driver_sql("INSERT INTO chiso_unit (model, period, id, name, \"group\") VALUES "
                             "('mini', '2023', 'u1', 'Quận Ba Đình', 'district')")
        record = {"unit": "u1", "criterion": "A1.1", "stage": "self", "value": 1.75, "applicable": True,
                  "evidence": ["12/KH"], "note": "", "author": "Phòng Nội vụ", "timestamp": "2023-10-10T09:00:00"}
        conn.execute(sa.text(
            "INSERT INTO chiso_record (model, period, unit, criterion, stage, value, applicable, author, timestamp, "
            "time_us, record, batch, written_at) VALUES ('mini', '2023', 'u1', 'A1.1', 'self', 1.75, :t, "
            "'Phòng Nội vụ', '2023-10-10T09:00:00', :us, :r, 'b1', '2025-01-01')"),
            {"t": True, "us": int(pd.Timestamp("2023-10-10T09:00:00Z").value // 1000),
             "r": json.dumps(record, ensure_ascii=False)})
    with pytest.raises(store.StoreError) as info:
        Assessment.from_sql(url, MODEL, "2023")
    assert info.value.id == "store.old_version"
    assert store.upgrade(url) == 2
    b = Assessment.from_sql(url, MODEL, "2023")
    assert b.time_zone == "UTC" and b.records["value"].tolist() == [1.75] and b.records["entered_at"].isna().all()
    b.add(dict(unit="u1", criterion="A1.1", stage="self", value=2, author="x", timestamp="2023-10-11T09:00:00"))
    assert b.to_sql(url) == 1
    c = Assessment.from_sql(url, MODEL, "2023")
    assert c.records["value"].tolist() == [1.75, 2.0]
    assert c.records["entered_at"].isna().tolist() == [True, False]  # imported, then entered by the store


def test_issue_22_6_unreachable_database_is_a_store_error_without_the_password():
    with pytest.raises(chiso.StoreError) as info:
        Assessment.from_sql(f"postgresql://officer:s3cret@127.0.0.1:{_free_port()}/par", MODEL, "2023")
    assert info.value.id == "store.unreachable"
    assert "s3cret" not in str(info.value) and "officer:***@127.0.0.1" in str(info.value)


def test_chiso_verify_command(url, tmp_path, capsys):
    from chiso.cli import main
    a = new_assessment(worked_records())
    a.to_sql(url)
    path = tmp_path / "a.json"
    a.to_json(path)
    assert main(["verify", str(path)]) == 0
    assert main(["verify", url, "--period", "2023"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and all("5 records" in line and "chain intact" in line for line in out)
    assert out[0].endswith(a.records["hash"].iloc[-1]) and out[1].endswith(a.records["hash"].iloc[-1])
    path.write_text(path.read_text(encoding="utf-8").replace('"value":1.5', '"value":2'), encoding="utf-8")
    assert main(["verify", str(path)]) == 1
    assert "BROKEN: record 1 does not match its hash" in capsys.readouterr().out
    assert main(["verify", str(tmp_path / "missing.db"), "--period", "2023"]) == 1
    assert "no such file" in capsys.readouterr().err and not (tmp_path / "missing.db").exists()


def test_a_noted_hash_detects_removed_last_records(url, tmp_path, capsys):
    """The chain alone cannot see its last records removed; the hash noted from a report can."""
    from chiso.cli import main
    a = new_assessment(worked_records())
    a.to_sql(url)
    path = tmp_path / "a.json"
    a.to_json(path)
    noted = a.records["hash"].iloc[-1]
    import chiso.reports
    report = chiso.reports.write(a, tmp_path / "r.html", language="en").read_text(encoding="utf-8")
    assert f"5 records; SHA-256 of the last record: {noted}" in report
    assert main(["verify", str(path), "--expect", noted]) == 0
    assert main(["verify", url, "--period", "2023", "--expect", noted[:16].upper()]) == 0
    capsys.readouterr()
    # The last record removed: the remaining chain is whole, only the noted hash shows the loss.
    document = json.loads(path.read_text(encoding="utf-8"))
    document["records"].pop()
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    _tamper(url, f"DELETE FROM chiso_record WHERE hash = '{noted}'")
    assert main(["verify", str(path)]) == 0 and main(["verify", url, "--period", "2023"]) == 0
    assert "4 records" in capsys.readouterr().out
    assert main(["verify", str(path), "--expect", noted]) == 1
    assert main(["verify", url, "--period", "2023", "--expect", noted]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and all(f"BROKEN: no record or act has the noted hash {noted}" in line for line in out)
    [state] = store.verify(url, "2023", expect=[noted, a.records["hash"].iloc[0]])
    assert state["missing"] == [noted]
    # A record added after the hash was noted is fine: the noted record is still in the chain.
    grown = new_assessment(worked_records())
    head = grown.records["hash"].iloc[-1]
    grown.add({"unit": "u1", "criterion": "A1.1", "stage": "appraisal", "value": 1.0, "author": "council",
               "timestamp": "2023-10-30T09:00:00+07:00", "note": "revised"}, history=True)
    grown.to_json(path)
    assert main(["verify", str(path), "--expect", head]) == 0
    capsys.readouterr()
    for bad in ("3f2a", "z" * 20, "ab\x07" * 6):
        with pytest.raises(chiso.ParameterError) as info:
            store.verify(path, expect=[bad])
        assert info.value.id == "assessment.noted_hash" and "\x07" not in str(info.value)


def test_a_noted_hash_on_a_store_of_several_models_needs_the_model(tmp_path):
    path = str(tmp_path / "records.db")
    new_assessment(worked_records()).to_sql(path)
    other = mini_par_model(survey=False, missing="zero")
    other["id"] = "another-index"
    Assessment(chiso.load_model(other), "2023", UNITS).to_sql(path)
    with pytest.raises(store.StoreError) as info:
        store.verify(path, "2023", expect=["0" * 16])
    assert info.value.id == "store.which_model"
    [state] = store.verify(path, "2023", model="another-index", expect=["0" * 16])
    assert state["missing"] == ["0" * 16]


def test_store_errors_name_what_is_wrong(tmp_path):
    with pytest.raises(store.StoreError) as info:
        store.connect("nosuchdriver://user:pw@host/db")
    assert info.value.id == "store.url" and "pw" not in str(info.value)
    path = str(tmp_path / "records.db")
    with pytest.raises(store.StoreError) as info:
        store.grant_writer(path, "officer")
    assert info.value.id == "store.roles"
    new_assessment(worked_records()).to_sql(path)
    revised = mini_par_model(survey=False, missing="zero")
    revised["name"] = "Another version"
    with pytest.raises(store.StoreError) as info:
        Assessment.from_sql(path, revised, "2023")
    assert info.value.id == "store.model_changed"
    other_zone = Assessment(chiso.load_model(MODEL), "2023", UNITS, time_zone="UTC")
    with pytest.raises(store.StoreError) as info:
        other_zone.to_sql(path)
    assert info.value.id == "store.period_conflict" and "time_zone 'UTC'" in str(info.value)
