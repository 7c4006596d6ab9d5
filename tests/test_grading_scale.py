"""Grading past one machine: a PostgreSQL gradebook and a Dask cluster (issue 15).

Real servers, started and stopped here on 127.0.0.1 (tests/server_helpers.py):
Debian's PostgreSQL, and the ``dask`` command's scheduler and workers.

The gradebook (both SQLite and PostgreSQL): the schema is made in one transaction,
checked, never half-made, and two makers at once do not collide; a half-made one is
named and repaired; PostgreSQL's serialization failures are retried like SQLite's locks.

Grading (one small batch of ``activations``, graded once by the process pool on SQLite
as the reference): nbgrader's commands and ``--cluster local`` on PostgreSQL; a real
scheduler with workers, one killed mid-batch (every student still gets the pool's
row), a submission whose worker is lost twice (``grader_error``), a worker that cannot
sandbox (refuses, says why, unless ``--isolation none``; a refusing worker is sent no
submission, and when all refuse nothing is graded); and TLS, which refuses a client
without the certificate. The slot locks of a machine's workers: in a folder of ours, and
a slot not waited for forever.
"""

import os
import signal
import subprocess
import threading
import time
import types
from pathlib import Path

import nbformat
import pytest
import sqlalchemy

import server_helpers
from assignment_helpers import student_copy
from autograder import gradebook_db
from autograder.secure import store
from grading_helpers import GRADE, GradingCourse, clone, namespaces_available

ASSIGNMENT = "activations"
SLOW = "slow"            # a reference solution that also sleeps, so that a worker can be killed while it grades
pytestmark = pytest.mark.xdist_group("grading-scale")


def require_postgres():
    if not server_helpers.postgres_available():
        if os.environ.get("CI"):
            pytest.fail(server_helpers.POSTGRES_MISSING + " (.ci/run should have installed it)")
        pytest.skip(server_helpers.POSTGRES_MISSING)


@pytest.fixture(scope="module")
def pg():
    require_postgres()
    with server_helpers.postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/gradebook.db"
    return request.getfixturevalue("pg").createdb(f"t{time.time_ns()}")


def tables_and_version(url):
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(sqlalchemy.inspect(conn).get_table_names())
            version = (list(conn.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).scalars())
                       if "alembic_version" in tables else None)
            courses = (list(conn.execute(sqlalchemy.text("SELECT id FROM course")).scalars())
                       if "course" in tables else None)
        return tables, version, courses
    finally:
        engine.dispose()


# --- the gradebook's schema ------------------------------------------------------------------

def test_the_schema_is_made_once_whole_and_nbgrader_needs_no_alembic_then(db_url, monkeypatch):
    from nbgrader.api import Base, Gradebook

    assert gradebook_db.prepare(db_url, "nnlearn") == "made"
    tables, version, courses = tables_and_version(db_url)
    assert set(Base.metadata.tables) <= tables
    assert version == [gradebook_db.head_revision()] and courses == ["nnlearn"]
    assert gradebook_db.prepare(db_url, "nnlearn") == "checked"
    monkeypatch.setenv("PATH", "/nonexistent")     # nbgrader shells out to alembic only for a new gradebook
    with Gradebook(db_url, "nnlearn") as gb:
        gb.update_or_create_student("ada")
        assert [s.id for s in gb.students] == ["ada"]


def test_a_half_made_gradebook_is_named_left_alone_and_repaired_on_request(db_url):
    from nbgrader.api import Base

    engine = sqlalchemy.create_engine(db_url)
    Base.metadata.create_all(engine)     # what nbgrader leaves when `alembic` is not on PATH
    engine.dispose()
    with pytest.raises(gradebook_db.GradebookError, match="half-made.*alembic_version.*--repair"):
        gradebook_db.prepare(db_url, "nnlearn")
    assert tables_and_version(db_url)[1] is None           # nothing was changed
    assert gradebook_db.prepare(db_url, "nnlearn", repair=True) == "repaired"
    assert gradebook_db.prepare(db_url, "nnlearn", create=False) == "checked"
    assert tables_and_version(db_url)[1:] == ([gradebook_db.head_revision()], ["nnlearn"])


def test_two_makers_of_the_same_new_gradebook_at_once_both_succeed(db_url):
    # two connections at once (threads: the database cannot tell them from processes)
    start, outcomes = threading.Barrier(2), []

    def make():
        start.wait()
        try:
            outcomes.append(gradebook_db.prepare(db_url, "nnlearn"))
        except Exception as err:
            outcomes.append(f"{type(err).__name__}: {err}")

    makers = [threading.Thread(target=make) for _ in range(2)]
    for maker in makers:
        maker.start()
    for maker in makers:
        maker.join(60)
    assert sorted(outcomes) == ["checked", "made"]
    assert tables_and_version(db_url)[1:] == ([gradebook_db.head_revision()], ["nnlearn"])


def test_a_gradebook_out_of_reach_is_explained_without_its_password(pg):
    url = pg.url("no_such_course").replace("postgres@", "postgres:s3cret@")
    with pytest.raises(gradebook_db.GradebookError) as err:
        gradebook_db.prepare(url, "nnlearn")
    assert "createdb" in str(err.value) and "no_such_course" in str(err.value)
    assert "s3cret" not in str(err.value)
    with pytest.raises(gradebook_db.GradebookError, match="postgresql\\+psycopg://"):
        gradebook_db.prepare("postgresql+nosuchdriver://x@127.0.0.1/y")


def test_a_serialization_failure_of_postgresql_is_retried_like_a_locked_sqlite(pg):
    url = pg.createdb(f"t{time.time_ns()}")
    engine = sqlalchemy.create_engine(url, isolation_level="SERIALIZABLE")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE seat (n int)")
    first, second = engine.connect(), engine.connect()
    try:
        for conn in (first, second):
            conn.exec_driver_sql("SELECT count(*) FROM seat").scalar()
            conn.exec_driver_sql("INSERT INTO seat VALUES (1)")
        first.commit()
        with pytest.raises(sqlalchemy.exc.OperationalError) as raised:
            second.commit()          # a real 40001 from the server
    finally:
        first.close(), second.close(), engine.dispose()
    assert gradebook_db.transient(raised.value)
    tries = []

    def write():
        tries.append(1)
        if len(tries) == 1:
            raise raised.value
        return "written"

    assert store.retry_locked(write, timeout=10, log=lambda *a: None) == ("written", 1)
    assert not gradebook_db.transient(sqlalchemy.exc.OperationalError("SELECT", {}, Exception("syntax error")))


# --- grading --------------------------------------------------------------------------------------

def handed_in(release):
    slow = student_copy(release, ASSIGNMENT, solved="all")
    slow.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(1)"))
    return {"s0": student_copy(release, ASSIGNMENT, solved="all"), "s1": student_copy(release, ASSIGNMENT),
            "s2": student_copy(release, ASSIGNMENT, solved="all"), SLOW: slow}


def rows(course):
    return {r["student"]: (r["status"], r["score"], r["isolation"]) for r in course.csv_rows()}


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """The batch, graded by the process pool on SQLite: the reference. Also an ungraded
    copy of it (``fresh``) for the other ways of grading."""
    if not namespaces_available():
        pytest.skip("grading needs the sandbox: root, and unshare allowed to make namespaces")
    folder = tmp_path_factory.mktemp("scale")
    course = GradingCourse(folder / "pool" / "course", [ASSIGNMENT])
    batch = handed_in(course.generate(ASSIGNMENT))
    course.hand_in(ASSIGNMENT, batch)
    fresh = clone(course, folder / "fresh" / "course")
    course.grade(ASSIGNMENT)
    expected = rows(course)
    assert expected == {"s0": ("ok", "10", "namespaces"), "s1": ("unchanged", "0", "namespaces"),
                        "s2": ("ok", "10", "namespaces"), SLOW: ("ok", "10", "namespaces")}
    return course, fresh, folder, expected


def copy_of(pool, name):
    course, fresh, folder, _ = pool
    return clone(fresh, folder / name / "course")


class PostgresCourse(GradingCourse):
    """A course whose gradebook is a PostgreSQL database (NNLEARN_DB_URL)."""

    database = None

    def env(self, instructor=True):
        env = super().env(instructor)
        env["NNLEARN_DB_URL"] = self.database
        return env

    @property
    def db_url(self):
        return self.database


@pytest.mark.slow
def test_nbgrader_and_the_grader_on_postgresql_give_the_pool_s_scores(pool, pg):
    reference = pool[0]
    course = PostgresCourse(pool[2] / "pg" / "course", [ASSIGNMENT])
    course.database = pg.createdb("nnlearn_course")
    # without alembic on PATH: the configuration makes the schema itself, in one step
    path = os.environ["PATH"]
    os.environ["PATH"] = "/usr/bin:/bin"
    try:
        release = course.generate(ASSIGNMENT)
    finally:
        os.environ["PATH"] = path
    course.add_to_roster("ada")                 # on the class list, nothing handed in
    assert tables_and_version(course.database)[1] == [gradebook_db.head_revision()]
    course.hand_in(ASSIGNMENT, handed_in(release))
    proc = course.grade(ASSIGNMENT, "--cluster", "local")
    assert "cluster tls://127.0.0.1:" in proc.stdout            # the loopback, and TLS: no other user gets in
    expected = dict(pool[3], ada=("not_submitted", "0", ""))
    assert rows(course) == expected
    for student in ("s0", "s1", SLOW):
        assert course.scores(ASSIGNMENT, student) == reference.scores(ASSIGNMENT, student)


@pytest.fixture(scope="module")
def scheduler(pool):
    with server_helpers.dask_scheduler(pool[2]) as (address, _):
        yield address


def processing(address, student, timeout=60):
    """The name of the worker grading ``student`` (waits until one is)."""
    from distributed import Client

    end = time.monotonic() + timeout
    with Client(address, timeout="20s") as client:
        while time.monotonic() < end:
            workers = client.scheduler_info(n_workers=-1)["workers"]
            for worker, keys in client.processing().items():
                if any(f"-{student}-" in str(k) for k in keys) and worker in workers:
                    return workers[worker]["name"]
            time.sleep(0.1)
    raise AssertionError(f"no worker took {student} within {timeout} s")


def kill(worker):
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def start_workers(folder, address, names):
    workers = {n: server_helpers.dask_worker(folder, address, n) for n in names}
    for name in names:
        start_workers_wait(address, name)
    return workers


def grade_in_background(course, *args):
    return subprocess.Popen([*GRADE, ASSIGNMENT, *args], cwd=course.root, env=course.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_no_student_and_changes_no_score(pool, scheduler):
    course = copy_of(pool, "killed-once")
    workers = start_workers(pool[2], scheduler, ["w1", "w2"])
    try:
        grading = grade_in_background(course, "--cluster", scheduler, "--verbose")   # a line a submission
        victim = processing(scheduler, SLOW)
        kill(workers[victim])
        killed = time.monotonic()
        out, err = grading.communicate(timeout=300)
        after_kill = time.monotonic() - killed
        assert grading.returncode == 0, out + err
    finally:
        for w in workers.values():
            server_helpers.stop(w)
    print(f"batch finished {after_kill:.1f} s after a worker was killed")
    assert rows(course) == pool[3]
    for student in pool[3]:
        assert sum(line.split()[:1] == [student] for line in out.splitlines()) == 1, out   # saved once
        assert course.scores(ASSIGNMENT, student) == pool[0].scores(ASSIGNMENT, student)
    assert course.result(ASSIGNMENT, SLOW)["worker"].split("@")[0] != victim


@pytest.mark.slow
def test_a_submission_whose_worker_is_lost_twice_gets_a_grader_error_row(pool, scheduler):
    course = copy_of(pool, "killed-twice")
    workers = start_workers(pool[2], scheduler, ["w3", "w4", "w5"])
    try:
        grading = grade_in_background(course, "--cluster", scheduler, "--student", SLOW)
        first = processing(scheduler, SLOW)
        kill(workers[first])
        second = processing(scheduler, SLOW)
        assert second != first
        kill(workers[second])
        out, err = grading.communicate(timeout=300)
        assert grading.returncode == 0, out + err
    finally:
        for w in workers.values():
            server_helpers.stop(w)
    result = course.result(ASSIGNMENT, SLOW)
    assert result["status"] == "grader_error" and "lost 2 times" in result["message"], result
    assert rows(course)[SLOW] == ("grader_error", "", "")


def worker_job(course, monkeypatch, *argv):
    """The Job the grading command sends to the workers, made here (in-process)."""
    from autograder import cluster, grade

    monkeypatch.setenv("NNLEARN_COURSE_ROOT", str(course.root))
    args = grade.arguments([ASSIGNMENT, *argv])
    coursedir, course_id = grade.load_coursedir(args.config)
    job = grade.Job(args, coursedir, grade.load_assignment(coursedir, course_id, ASSIGNMENT), None)
    job.version = cluster.grader_version()
    return job


@pytest.mark.slow
def test_a_worker_that_cannot_sandbox_refuses_and_says_why(pool, monkeypatch):
    """The worker's side of a task (what ``dask worker`` runs), in this process: with no
    `unshare` on its PATH it cannot make namespaces, as without root."""
    from autograder import cluster

    course = copy_of(pool, "refused")
    monkeypatch.setattr(cluster, "_CHECKED", {})
    monkeypatch.setenv("PATH", str(server_helpers.BIN))
    job = worker_job(course, monkeypatch)
    result = cluster.grade_on_worker(job, "s0", cluster.pack(job.submitted("s0")))
    assert result.status == "grader_error" and not result.isolation
    assert "refused" in result.message and "`unshare` is not installed" in result.message, result.message
    # unless the instructor said so: then it grades, and the result says with what isolation
    job = worker_job(course, monkeypatch, "--isolation", "none")
    result = cluster.grade_on_worker(job, "s0", cluster.pack(job.submitted("s0")))
    assert (result.status, result.score, result.isolation) == ("ok", 10, "none")
    # a worker running other grading code refuses too: it could give other scores
    job.version = "another"
    result = cluster.grade_on_worker(job, "s0", cluster.pack(job.submitted("s0")))
    assert result.status == "grader_error" and "another version of the grader" in result.message


class FakeClient:
    """What cluster.grade asks of a Dask client, with workers that answer ``checks``."""

    def __init__(self, checks):
        self.checks, self.submitted = checks, []
        self.scheduler = types.SimpleNamespace(address="tcp://127.0.0.1:1")

    def wait_for_workers(self, n, timeout):
        pass

    def run(self, function, job):
        return self.checks

    def submit(self, function, job, student, files, **options):
        self.submitted.append((student, options))
        return FakeFuture(f"graded {student}")

    def close(self):
        pass


class FakeFuture:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class FakeAsCompleted:
    def __init__(self):
        self.futures = []

    def add(self, future):
        self.futures.append(future)

    def __iter__(self):
        while self.futures:
            yield self.futures.pop(0)


def test_a_refusing_worker_is_sent_nothing_and_if_all_refuse_nothing_is_graded(monkeypatch):
    import distributed

    from autograder import cluster

    job = types.SimpleNamespace(assignment=types.SimpleNamespace(name=ASSIGNMENT),
                                submitted=lambda student: Path("/nonexistent"))
    monkeypatch.setattr(distributed, "as_completed", FakeAsCompleted)
    refusing = {"tcp://10.0.0.1:1": (None, "it cannot sandbox (no unshare)"),
                "tcp://10.0.0.2:1": (None, "it runs another version of the grader")}
    client = FakeClient(refusing)
    monkeypatch.setattr(cluster, "connect", lambda address, say: (client, None))
    saved = []
    with pytest.raises(SystemExit) as stopped:
        cluster.grade("tcp://x:1", job, ["s0", "s1"], saved.append, say=lambda *a: None)
    assert "every worker refuses" in str(stopped.value)
    assert "10.0.0.1:1: it cannot sandbox (no unshare)" in str(stopped.value)
    assert "10.0.0.2:1: it runs another version of the grader" in str(stopped.value)
    assert saved == [] and client.submitted == []           # no grade cleared
    # one worker that grades: every submission goes to it alone
    client = FakeClient({**refusing, "tcp://10.0.0.3:1": ("namespaces", None)})
    assert cluster.grade("tcp://x:1", job, ["s0", "s1"], saved.append, say=lambda *a: None) == 1
    assert saved == ["graded s0", "graded s1"]
    assert [options["workers"] for _, options in client.submitted] == [["tcp://10.0.0.3:1"]] * 2
    assert all(options["allow_other_workers"] is False for _, options in client.submitted)


def test_the_slot_locks_are_in_a_folder_of_ours_and_a_slot_is_not_waited_for_forever(tmp_path, monkeypatch):
    from autograder import cluster, grade

    monkeypatch.setattr(cluster, "SLOT_LOCKS", tmp_path / "slots")
    monkeypatch.setattr(cluster, "SLOTS", 2)
    monkeypatch.setattr(cluster, "SLOT_WAIT", 0.2)
    with cluster.machine_slot() as first, cluster.machine_slot() as second:
        assert (first, second) == (0, 1)
        assert oct((tmp_path / "slots").stat().st_mode & 0o777) == "0o700"
        with pytest.raises(grade.SandboxUnavailable, match="no sandbox slot came free"):
            cluster.machine_slot().__enter__()          # all held: a message, not a hang
    with cluster.machine_slot() as again:
        assert again == 0
    (tmp_path / "slots").chmod(0o755)                    # a folder others may enter: refused
    with pytest.raises(grade.SandboxUnavailable, match="mode 0700"):
        cluster.machine_slot().__enter__()
    (tmp_path / "slots").chmod(0o700)
    (tmp_path / "slots" / "slot-0").unlink()
    (tmp_path / "slots" / "slot-0").symlink_to(tmp_path / "elsewhere")   # a planted link is not followed
    with pytest.raises(grade.SandboxUnavailable, match="slot-0"):
        cluster.machine_slot().__enter__()
    assert not (tmp_path / "elsewhere").exists()
    monkeypatch.setattr(cluster, "SLOT_LOCKS", tmp_path / "link")
    (tmp_path / "link").symlink_to(tmp_path / "slots")   # the folder itself a link: refused
    with pytest.raises(grade.SandboxUnavailable, match="not a folder of this user"):
        cluster.machine_slot().__enter__()


def start_workers_wait(address, name):
    from distributed import Client

    with Client(address, timeout="20s") as client:
        end = time.monotonic() + 60
        while time.monotonic() < end:
            if name in {w["name"] for w in client.scheduler_info(n_workers=-1)["workers"].values()}:
                return
            time.sleep(0.2)
    raise AssertionError(f"worker {name} did not join")


# --- the control plane -------------------------------------------------------------------------

def certificates(folder):
    """A CA, and one certificate it signed for 127.0.0.1 (scheduler and client)."""
    run = lambda *a: subprocess.run(["openssl", *a], cwd=folder, check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=nnlearn-test-ca")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr", "-subj", "/CN=127.0.0.1")
    Path(folder, "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "node.pem", "-days", "2", "-extfile", "san.ext")
    return {k: str(Path(folder, f)) for k, f in (("ca", "ca.pem"), ("cert", "node.pem"), ("key", "node.key"))}


@pytest.mark.slow
def test_a_tls_scheduler_refuses_a_client_without_the_certificate(tmp_path):
    import dask

    from autograder import cluster

    pem = certificates(tmp_path)
    args = ["--tls-ca-file", pem["ca"], "--tls-cert", pem["cert"], "--tls-key", pem["key"]]
    with server_helpers.dask_scheduler(tmp_path, protocol="tls", args=args) as (address, _):
        assert address.startswith("tls://127.0.0.1:")
        tls = "distributed.comm.tls"
        with dask.config.set({f"{tls}.ca-file": pem["ca"], f"{tls}.client.cert": pem["cert"],
                              f"{tls}.client.key": pem["key"], "distributed.comm.require-encryption": True}):
            client, _ = cluster.connect(address, say=lambda *a: None)
            assert client.scheduler_info()["address"] == address
            client.close()
        with dask.config.set({f"{tls}.ca-file": pem["ca"], "distributed.comm.timeouts.connect": "5s"}):
            with pytest.raises(SystemExit, match="cannot reach the Dask scheduler"):
                cluster.connect(address, say=lambda *a: None)
