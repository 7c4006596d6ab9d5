# Mistake: points at layer 1, the layer with the largest error, instead of where the error enters.
# Loses: test_gradcheck_answer
# Message: first_wrong_delta is not right
first_wrong_delta = 1
