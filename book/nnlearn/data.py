"""A tiny loader for the handwritten digits bundled with scikit-learn.

``load_digits`` returns the 1797 images of 8 x 8 pixels from the UCI "Optical
Recognition of Handwritten Digits" data (Alpaydin & Kaynak, 1998), as shipped
inside scikit-learn: nothing is ever downloaded. Pixels are scaled from the
integers 0..16 to [0, 1], labels are one-hot rows, and the train/test split is
stratified (every digit keeps its share on both sides) and fixed by a seed.
"""

from dataclasses import dataclass

import numpy as np

PIXEL_MAX = 16.0      # the raw digits store ink as integers 0..16
IMAGE_SHAPE = (8, 8)
N_CLASSES = 10


@dataclass(frozen=True)
class Split:
    """Scaled features (rows are examples) and one-hot labels, on both sides of a split."""

    X_train: np.ndarray   # (m_train, 64), values in [0, 1]
    Y_train: np.ndarray   # (m_train, 10), one-hot
    X_test: np.ndarray    # (m_test, 64)
    Y_test: np.ndarray    # (m_test, 10)

    @property
    def labels_train(self):
        """The digit 0..9 of each training row."""
        return self.Y_train.argmax(axis=1)

    @property
    def labels_test(self):
        """The digit 0..9 of each test row."""
        return self.Y_test.argmax(axis=1)


def one_hot(labels, n_classes=N_CLASSES):
    """Rows e_k for integer labels k in 0..n_classes-1."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be a 1-D array of integers; got {labels.dtype} of shape {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"labels must lie in 0..{n_classes - 1}; got values from {labels.min()} to {labels.max()}"
        )
    return np.eye(n_classes)[labels]


def load_digits(test_fraction=0.25, seed=0):
    """The digits as a :class:`Split`: features in [0, 1], one-hot labels, a seeded stratified split.

    ``test_fraction`` of each digit's images (rounded) goes to the test side;
    the same ``seed`` always gives the same split.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1; got {test_fraction!r}")
    from sklearn.datasets import load_digits as sklearn_digits   # bundled data, no download

    raw = sklearn_digits()
    X = raw.data.astype(float) / PIXEL_MAX
    labels = raw.target.astype(int)
    rng = np.random.default_rng(seed)
    test_rows = []
    for digit in range(N_CLASSES):      # stratify: each digit split in the same proportion
        rows = rng.permutation(np.flatnonzero(labels == digit))
        test_rows.extend(rows[:int(round(test_fraction * len(rows)))])
    is_test = np.zeros(len(labels), dtype=bool)
    is_test[test_rows] = True
    # shuffle each side so that consecutive rows are not sorted by digit
    train, test = rng.permutation(np.flatnonzero(~is_test)), rng.permutation(np.flatnonzero(is_test))
    Y = one_hot(labels)
    return Split(X[train], Y[train], X[test], Y[test])
