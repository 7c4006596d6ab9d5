# Attack: (or an accident) two notebooks, neither with the expected name.
# Inject: none
# Submission: two-notebooks
# Status: missing_notebook
# Passes: none
# Message: several other notebooks
