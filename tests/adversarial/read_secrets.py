# Attack: read the solutions, the hidden tests (gradebook), the grader's code, another
# student's submission and the machine's secrets from disk; list the processes;
# reach the network; print whatever was found. Appended to a complete solution.
# Inject: append
# Status: ok
# Passes: all
# Output-has: DENIED
# Output-lacks: READ
import os
import socket

targets = [
    "@COURSE_ROOT@/solutions/activations/activations.ipynb",
    "@GRADEBOOK@",
    "@COURSE_ROOT@/autograder/nbgrader_config.py",
    "@COURSE_ROOT@/autograder/secure/runner.py",
    "@OTHER_STUDENT@/activations.ipynb",
    "/etc/shadow",
    "/root/.bash_history",
    "/proc/1/environ",
]
for path in targets:
    try:
        with open(path, "rb") as fh:
            fh.read(100)
        print("READ", path)
    except OSError as err:
        print("DENIED", path, type(err).__name__)
for folder in ["@COURSE_ROOT@", "@COURSE_ROOT@/autograder/submitted"]:
    try:
        print("READ", folder, os.listdir(folder)[:5])
    except OSError as err:
        print("DENIED", folder, type(err).__name__)
for folder in ["/", "/home", "/root", "/tmp"]:
    print("sees", folder, sorted(os.listdir(folder))[:10])
others = [p for p in os.listdir("/proc") if p.isdigit()]
print("processes visible:", len(others))
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    print("READ network")
except OSError as err:
    print("DENIED network", type(err).__name__)
