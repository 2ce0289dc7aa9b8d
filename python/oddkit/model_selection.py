"""oddkit.model_selection: cross-validation splitters over oddkit's C++ split logic."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import indexable
from sklearn.utils.validation import _num_samples

from . import _core

__all__ = ["TimeSeriesSplit"]


class TimeSeriesSplit(BaseCrossValidator):
    """Forward-chaining splits of time-ordered samples; the same folds as
    ``sklearn.model_selection.TimeSeriesSplit`` for the same parameters.

    Parameters
    ----------
    n_splits : int >= 2, default=5
    max_train_size : int or None, default=None
        Cap on the training set: its most recent samples are kept.
    test_size : int or None, default=None
        Samples per test fold; None is n_samples // (n_splits + 1).
    gap : int, default=0
        Samples left out between each training set and its test fold.
    """

    def __init__(self, n_splits=5, *, max_train_size=None, test_size=None, gap=0):
        if not isinstance(n_splits, numbers.Integral) or isinstance(n_splits, bool):
            raise ValueError(f"n_splits: expected an int, got {type(n_splits).__name__}")
        if n_splits < 2:
            raise ValueError(f"n_splits: must be at least 2, got {n_splits}")
        self.n_splits = int(n_splits)
        self.max_train_size = max_train_size
        self.test_size = test_size
        self.gap = gap

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits

    def _ranges(self, n_samples):
        for name in ("max_train_size", "test_size"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, numbers.Integral) or value < 0):
                raise ValueError(f"{name}: expected a non-negative int or None, got {value!r}")
        if not isinstance(self.gap, numbers.Integral) or self.gap < 0:
            raise ValueError(f"gap: expected a non-negative int, got {self.gap!r}")
        return _core._time_series_split(
            int(n_samples), self.n_splits,
            None if not self.max_train_size else int(self.max_train_size),
            None if self.test_size is None else int(self.test_size), int(self.gap),
        )

    def split(self, X, y=None, groups=None):
        if groups is not None:
            warnings.warn(f"The groups parameter is ignored by {type(self).__name__}", UserWarning,
                          stacklevel=2)
        (X,) = indexable(X)
        for train_begin, train_end, test_begin, test_end in self._ranges(_num_samples(X)):
            yield np.arange(train_begin, train_end), np.arange(test_begin, test_end)

    def _iter_test_indices(self, X=None, y=None, groups=None):  # pragma: no cover - split overrides
        for _, test in self.split(X, y, groups):
            yield test
