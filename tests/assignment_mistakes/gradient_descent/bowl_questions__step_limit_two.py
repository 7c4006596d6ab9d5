# Mistake: takes the divergence threshold 2 / curvature with curvature 1 instead of 2.
# Loses: test_bowl_questions
# Message: lr_limit is not right
shrink = 0.8
lr_limit = 2.0
