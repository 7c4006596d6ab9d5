"""The limits of grading, one notebook at a time: the grading command's defaults
(``python -m autograder.grade --help``), and the per-cell time limit the stock
``nbgrader autograde`` fallback gets too (nbgrader_config.py)."""

CELL_TIMEOUT = 60.0           # seconds one cell or one test may run
NOTEBOOK_TIMEOUT = 180.0      # seconds a whole notebook may run, restarts included
MEMORY = "2G"                 # address space per notebook
MAX_OUTPUT = "1M"             # characters a notebook may print, in all
PROCESSES = 64                # processes and threads per notebook
