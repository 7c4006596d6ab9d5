"""The class report: seconds to build ``autograder/report/index.html`` for a class of hundreds.

A synthetic graded class (``tests/lms_helpers.py``: result files as the grading command writes
them, and a gradebook made with nbgrader's API, with hand-graded scores and late penalties) of
``SIZE`` submissions in a temporary folder; the report is built ``REPEAT`` times. ``first_build_s``
includes importing matplotlib (as in the grading command, which builds it once per run);
``build_s`` is the median of the others (reading the results and the gradebook, grouping, two charts).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = 300
REPEAT = 4


def run():
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # alembic
    import lms_helpers

    from autograder import report

    with tempfile.TemporaryDirectory(prefix="nnl-bench-report-") as folder:
        students = "id,lms_user_id\n" + "".join(f"s{k:04d},{1000 + k}\n" for k in range(SIZE))
        db_url = lms_helpers.make_class(folder, "backprop", lms_helpers.synthetic_submissions(SIZE), students)
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            path = report.build(folder, db_url, lms_helpers.COURSE_ID)
            times.append(time.perf_counter() - started)
        size_kb = path.stat().st_size / 1024
    return [{"submissions": SIZE, "build_s": f"{statistics.median(times[1:]):.2f}",
             "first_build_s": f"{times[0]:.2f}", "page_kb": f"{size_kb:.0f}"}]
