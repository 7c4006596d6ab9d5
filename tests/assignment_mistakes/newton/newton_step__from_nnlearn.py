# Mistake: uses the course library's Newton step.
# Loses: test_newton_step, test_newton
# Message: newton_step uses nnlearn
from nnlearn.optim import newton_step
