# Attack: (or an accident) the notebook was handed in under another name.
# Inject: none
# Submission: renamed Copy of activations.ipynb
# Status: ok
# Passes: all
# Message: handed in as 'Copy of activations.ipynb'
