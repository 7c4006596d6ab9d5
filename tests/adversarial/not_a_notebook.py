# Attack: (or an accident) the file is JSON but not a notebook.
# Inject: none
# Submission: not-a-notebook
# Status: malformed
# Passes: none
# Message: not a Jupyter notebook
