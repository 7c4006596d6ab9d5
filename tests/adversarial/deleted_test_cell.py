# Attack: (or an accident) a test cell was deleted from the notebook.
# Inject: none
# Submission: delete-cell test_sigmoid_stable
# Status: ok
# Passes: all
# Message: the grader ran its own copy
