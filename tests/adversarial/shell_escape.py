# Attack: shell commands from the notebook (what `!command` runs): read the solutions
# and the gradebook, delete the course, look around.
# Inject: append
# Status: ok
# Passes: all
# Output-lacks: BEGIN SOLUTION
# Output-lacks: HIDDEN TESTS
shell = get_ipython().system  # noqa: F821 (what a notebook's `!cat ...` calls)
shell("cat @COURSE_ROOT@/solutions/activations/activations.ipynb")
shell('sqlite3 @GRADEBOOK@ "select source from source_cell" 2>&1 | head -5')
shell("rm -rf @COURSE_ROOT@ 2>&1 | head -3")
shell("ls / ~")
