# Attack: shell commands from the notebook: read the solutions, delete the course.
# Inject: append
# Status: ok
# Passes: all
# Output-lacks: BEGIN SOLUTION
# Output-lacks: HIDDEN TESTS
!cat @COURSE_ROOT@/solutions/activations/activations.ipynb
!sqlite3 @GRADEBOOK@ "select source from source_cell" 2>&1 | head -5
!rm -rf @COURSE_ROOT@ 2>&1 | head -3
!ls / ~
