# Attack: (or an accident) the grade id of a solution cell was edited.
# Inject: none
# Submission: rename-grade-id sigmoid my_sigmoid
# Status: ok
# Passes: all
# Message: had its grade id changed
