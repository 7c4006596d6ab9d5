# Attack: (or an accident) an empty submission folder.
# Inject: none
# Submission: empty-folder
# Status: empty
# Passes: none
# Message: empty
