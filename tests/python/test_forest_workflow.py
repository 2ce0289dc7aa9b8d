"""Permutation importance and oddkit's forest inside scikit-learn's model-selection tools."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.inspection import permutation_importance as sk_permutation_importance
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from oddkit import IsolationForest, RandomForestClassifier, TimeSeriesSplit, permutation_importance


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=800, n_features=6, n_informative=2, n_redundant=0,
                               shuffle=False, random_state=0)
    rows = np.random.default_rng(0).permutation(len(y))  # shuffle=False also sorts rows by class
    return X[rows], y[rows]


def test_permutation_importance_agrees_with_sklearn_ranking(data):
    X, y = data
    model = RandomForestClassifier(n_estimators=30, random_state=0).fit(X[:500], y[:500])
    ours = permutation_importance(model, X[500:], y[500:], n_repeats=4, random_state=1)
    ref = sk_permutation_importance(model, X[500:], y[500:], n_repeats=4, random_state=1)
    assert ours.importances.shape == (6, 4)
    # Features 0 and 1 are the informative ones (shuffle=False): both methods rank them on top.
    assert set(np.argsort(ours.importances_mean)[-2:]) == {0, 1}
    assert set(np.argsort(ref.importances_mean)[-2:]) == {0, 1}
    np.testing.assert_allclose(ours.importances_mean, ref.importances_mean, atol=0.05)
    threaded = permutation_importance(model, X[500:], y[500:], n_repeats=4, random_state=1, n_jobs=2)
    assert np.array_equal(threaded.importances, ours.importances)


def test_permutation_importance_with_a_detector():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3))
    y = np.zeros(500, dtype=int)
    X[:25, 2] += 7.0
    y[:25] = 1
    detector = IsolationForest(n_estimators=50, random_state=0).fit(X)
    result = permutation_importance(detector, X, y, random_state=0, n_repeats=3,
                                    scoring=lambda est, Z, t: roc_auc_score(t, est.anomaly_score(Z)))
    assert np.argmax(result.importances_mean) == 2
    with pytest.raises(ValueError, match="n_repeats"):
        permutation_importance(detector, X, y, n_repeats=0, scoring=lambda e, Z, t: 0.0)
    with pytest.raises(ValueError, match="X"):
        permutation_importance(detector, X[:, 0], y, scoring=lambda e, Z, t: 0.0)


def test_grid_search_with_time_series_split_pipeline_and_cross_val_score(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=10, random_state=0))
    grid = GridSearchCV(pipe, {"randomforestclassifier__max_depth": [2, None],
                               "randomforestclassifier__max_features": ["sqrt", None]},
                        cv=TimeSeriesSplit(n_splits=3), scoring="roc_auc")
    grid.fit(X, y)
    assert grid.best_score_ > 0.8
    assert len(grid.cv_results_["mean_test_score"]) == 4
    scores = cross_val_score(RandomForestClassifier(n_estimators=10, random_state=0), X, y,
                             cv=TimeSeriesSplit(n_splits=3, gap=5))
    assert scores.shape == (3,) and np.all(scores > 0.7)
