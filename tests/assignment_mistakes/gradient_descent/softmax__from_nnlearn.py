# Mistake: wraps the course library's softmax.
# Loses: test_softmax
# Message: softmax uses nnlearn
import nnlearn.losses


def softmax(z):
    return nnlearn.losses.softmax(z)
