# Mistake: uses the course library's Newton step.
# Loses: test_newton_step, test_newton_step_solves, test_newton, test_newton_robust
# Message: newton_step uses nnlearn
from nnlearn.optim import newton_step
