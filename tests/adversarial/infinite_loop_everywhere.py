# Attack: an endless loop in every solution cell: with a per-cell timeout only, the
# grading of this one notebook would take the timeout times the number of cells.
# Inject: replace-all
# Status: timeout
# Passes: none
# Message: time budget
while True:
    pass
