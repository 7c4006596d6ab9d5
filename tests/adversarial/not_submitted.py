# Attack: (or an absence) a student on the roster hands in nothing; they still get a row.
# Inject: none
# Submission: no-folder
# Status: not_submitted
# Passes: none
# Message: nothing was handed in
