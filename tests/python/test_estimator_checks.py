"""scikit-learn's own estimator checks, run on every oddkit estimator."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import oddkit

ESTIMATORS = [oddkit.IsolationForest(n_estimators=10, random_state=0)]


@parametrize_with_checks(ESTIMATORS)
def test_scikit_learn_compatible(estimator, check):
    check(estimator)
