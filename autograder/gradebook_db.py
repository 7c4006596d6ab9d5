"""The gradebook's database: nbgrader's schema made once, checked, never left half-made.

nbgrader keeps its gradebook in any database SQLAlchemy reaches: SQLite by default
(``autograder/gradebook.db``), or PostgreSQL for a large course, through
``NNLEARN_DB_URL=postgresql+psycopg://user@host/nnlearn`` (autograder/nbgrader_config.py).
One database per course: nbgrader's assignment names are global to a database.

Why this module: nbgrader 0.9.6 makes a new gradebook's tables, then shells out to
``alembic`` for the schema version. Without ``alembic`` on PATH that second step
fails and leaves a half-made database (tables, no version) that later runs do not
repair; and two processes making the same new gradebook at once fail with a
duplicate key. Here the whole schema (tables, version, the course's row) is made
in one transaction, under a lock (PostgreSQL's advisory lock, SQLite's ``BEGIN
IMMEDIATE``), with the version read from nbgrader's migration scripts in Python:
either all of it is there afterwards, or none of it. Run it once per course::

    python -m autograder.gradebook_db init          # make (or check) the gradebook
    python -m autograder.gradebook_db check         # check only
    python -m autograder.gradebook_db init --repair # complete a half-made one

The grading command does the same check before any worker starts, and so does the
course configuration whenever ``NNLEARN_DB_URL`` is set, before any nbgrader command
touches the database.
"""

import argparse
import sys

# PostgreSQL's errors that a second try cures: serialization failure, deadlock, lock not available
TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03"}
LOCK_KEY = 0x6E6E6C67        # the advisory lock taken while the schema is made ("nnlg")


class GradebookError(Exception):
    """The gradebook's database cannot be used as it is; the message says what to do."""


def transient(err):
    """Whether a database error is passing (another writer holds a lock): SQLite's
    ``database is locked``/``busy``, PostgreSQL's serialization failure or deadlock."""
    code = getattr(getattr(err, "orig", None), "sqlstate", None)
    if code in TRANSIENT_SQLSTATES:
        return True
    text = str(err)
    return "locked" in text or "busy" in text


def shown(db_url):
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:
        return "(an unreadable database URL)"


def head_revision():
    """The schema version this nbgrader writes, read from its alembic scripts (no subprocess)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


def engine_for(db_url):
    """An engine whose transactions also cover DDL and lock the database while they run."""
    from sqlalchemy import create_engine, event

    try:
        engine = create_engine(db_url, future=True)
    except Exception as err:     # an unknown dialect, a driver not installed
        raise GradebookError(f"cannot use the gradebook URL {shown(db_url)}: {type(err).__name__}: {err}; "
                             "for PostgreSQL write postgresql+psycopg://USER@HOST:PORT/DATABASE and install "
                             "the course's requirements (pip install -r requirements.txt)") from None
    if engine.dialect.name == "sqlite":
        # pysqlite commits before DDL on its own; SQLAlchemy's documented recipe hands the
        # transaction to us, and BEGIN IMMEDIATE makes a second maker wait for the first
        @event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection, record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


def describe(connection, head):
    """("no-tables" | "complete" | "half-made" | "other-version", what is wrong in words)."""
    from nbgrader.api import Base
    from sqlalchemy import inspect, text

    tables = set(inspect(connection).get_table_names())
    if not tables:
        return "no-tables", ""
    missing = sorted(set(Base.metadata.tables) - tables)
    versions = []
    if "alembic_version" in tables:
        versions = list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    if not versions:
        return "half-made", (f"nbgrader's tables are there ({len(tables)}"
                             + (f", {len(missing)} missing: {', '.join(missing)}" if missing else "")
                             + ") but not its schema version (the table alembic_version); this is what nbgrader "
                             "leaves when it makes a gradebook without `alembic` on PATH")
    if versions != [head]:
        return "other-version", (f"its schema is version {', '.join(versions)}, and this nbgrader writes {head}: "
                                 "back it up, then run `nbgrader db upgrade` (with the same configuration)")
    if missing:
        return "half-made", f"its schema version is recorded, but tables are missing: {', '.join(missing)}"
    return "complete", ""


def _make(connection, head, course_id):
    from nbgrader.api import Base, Course
    from sqlalchemy import inspect, text

    Base.metadata.create_all(bind=connection)       # only the tables that are missing
    if "alembic_version" not in inspect(connection).get_table_names():
        # the table and row nbgrader itself writes for a new gradebook
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    connection.execute(text("DELETE FROM alembic_version"))
    connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
    if course_id:
        _ensure_course(connection, course_id, Course)


def _ensure_course(connection, course_id, Course):
    from sqlalchemy import select

    if connection.execute(select(Course.id).where(Course.id == course_id)).first() is None:
        connection.execute(Course.__table__.insert().values(id=course_id))


def _complete(db_url, head, course_id):
    """Whether the schema is whole (and the course's row there), looked at without a lock;
    False when it cannot be looked at (prepare then says why)."""
    from nbgrader.api import Course
    from sqlalchemy import create_engine, select

    try:
        engine = create_engine(db_url, future=True)
    except Exception:
        return False
    try:
        with engine.connect() as connection:
            if describe(connection, head)[0] != "complete":
                return False
            return not course_id or connection.execute(
                select(Course.id).where(Course.id == course_id)).first() is not None
    except Exception:
        return False
    finally:
        engine.dispose()


def prepare(db_url, course_id=None, create=True, repair=False):
    """Make the gradebook's schema if the database is empty (``create``), or check it;
    complete a half-made one if ``repair``. Returns what was done ("made", "checked",
    "repaired"); raises :class:`GradebookError` with what to do."""
    from nbgrader.api import Course
    from sqlalchemy.exc import DBAPIError, OperationalError

    head = head_revision()
    if _complete(db_url, head, course_id if create else None):
        return "checked"         # the usual case, without taking the lock below
    engine = engine_for(db_url)
    try:
        with engine.begin() as connection:        # one transaction: all of it, or nothing
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
            state, why = describe(connection, head)
            if state == "no-tables":
                if not create:
                    raise GradebookError(f"the gradebook {shown(db_url)} is empty: run "
                                         "`python -m autograder.gradebook_db init` first")
                _make(connection, head, course_id)
                return "made"
            if state == "half-made":
                if not repair:
                    raise GradebookError(
                        f"the gradebook {shown(db_url)} is half-made: {why}. Run `python -m autograder.gradebook_db "
                        "init --repair` to complete it (it adds what is missing and records the version), or, "
                        "if it holds nothing yet, drop it and run `python -m autograder.gradebook_db init`")
                _make(connection, head, course_id)
                return "repaired"
            if state == "other-version":
                raise GradebookError(f"the gradebook {shown(db_url)} cannot be used as it is: {why}")
            if course_id and create:
                _ensure_course(connection, course_id, Course)
            return "checked"
    except GradebookError:
        raise
    except (OperationalError, DBAPIError) as err:
        if transient(err):
            raise                # locked by another writer: the caller waits and tries again
        first = str(getattr(err, "orig", err)).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise GradebookError(f"cannot use the gradebook database {shown(db_url)}: {first}. Is the server running, "
                             "does the database exist (`createdb`), and may this user create tables in it?") from None
    finally:
        engine.dispose()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.gradebook_db", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["init", "check"],
                        help="init: make the schema if the database is empty, else check it; check: check only")
    parser.add_argument("--repair", action="store_true",
                        help="complete a half-made gradebook (tables without a version, or tables missing)")
    parser.add_argument("--config", default=None,
                        help="the nbgrader configuration (default: autograder/nbgrader_config.py)")
    args = parser.parse_args(argv)
    import os

    from .grade import HERE, load_coursedir

    os.environ["NNLEARN_DB_CHECKED_BY"] = "gradebook_db"    # the configuration leaves it to us

    coursedir, course_id = load_coursedir(args.config or str(HERE / "nbgrader_config.py"))
    try:
        done = prepare(coursedir.db_url, course_id, create=args.action == "init", repair=args.repair)
    except GradebookError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"gradebook {shown(coursedir.db_url)}: schema {done} (version {head_revision()}, course {course_id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
