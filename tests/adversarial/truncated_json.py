# Attack: (or an accident) the notebook file is cut short (corrupt JSON).
# Inject: none
# Submission: truncated-json
# Status: malformed
# Passes: none
# Message: JSON is broken at line
