# Mistake: counts rows (x_0 is row 1) instead of steps, one too many.
# Loses: test_quadratic, test_rosenbrock
minimum = np.array([0.6, -0.8])


def first_below(path, target, tol=1e-8):
    distances = np.linalg.norm(path - target, axis=1)
    return int(np.argmax(distances < tol)) + 1


newton_steps_quadratic = first_below(newton(quad_grad, quad_hess, [4.0, -3.0], 5), minimum)
gd_steps_quadratic = first_below(gradient_descent(quad_grad, [4.0, -3.0], 0.4, 200), minimum)
