# Attack: (or an accident) a test cell was copied (two cells with the same grade id).
# Inject: none
# Submission: duplicate-cell test_relu
# Status: ok
# Passes: all
# Message: appears more than once
