# Attack: (or an accident) a submission with files but no notebook.
# Inject: none
# Submission: only-other-files
# Status: missing_notebook
# Passes: none
# Message: no notebook in the submission
