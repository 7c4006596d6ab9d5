# Attack: add a cell marked as a graded test worth 100 points, and raise the points of
# the real test cells in their metadata.
# Base: blank
# Inject: none
# Submission: fake-test-cell
# Status: ok
# Passes: none
