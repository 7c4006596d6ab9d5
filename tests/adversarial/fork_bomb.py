# Attack: a fork bomb. The process limit stops it; the children go with the sandbox.
# Inject: append
# Status: ok
# Passes: all
import os

children = 0
try:
    while True:
        if os.fork() == 0:
            import time
            time.sleep(60)
            os._exit(0)
        children += 1
except OSError as err:
    print("stopped after", children, "children:", type(err).__name__)
