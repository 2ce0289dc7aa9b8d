"""Forests on sparse, low-cardinality data, against scikit-learn.

Two rules are checked here. max_features counts every drawn feature, constant or not, and the
draw goes past max_features only until one non-constant feature has been searched (as
scikit-learn): on wide, sparse data most draws in a deep node are constant features, so trees
are more random than with "max_features non-constant features". And a feature with few
distinct values is split between the two values present in the node (the exact CART
threshold), also when the node is large and searched by histogram.
"""

import json

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier as SkClassifier
from sklearn.ensemble import RandomForestRegressor as SkRegressor
from sklearn.metrics import accuracy_score, roc_auc_score

from oddkit import RandomForestClassifier, RandomForestRegressor


def _root_features(model):
    state = json.loads(model._core.to_json())["state"]
    feature = np.asarray(state["node_feature"])
    return feature[np.asarray(state["tree_begin"][:-1])]


def _few_values(n, seed):
    """Integer features with 2, 5, 9 and 31 values, the first three mostly zero."""
    rng = np.random.default_rng(seed)
    cols = []
    for k, p_zero in [(2, 0.85), (5, 0.7), (9, 0.5), (31, 0.0)]:
        x = rng.integers(1, k, size=n).astype(float) if k > 2 else np.ones(n)
        x[rng.random(n) < p_zero] = 0.0
        # Uneven spacing between values; float32 values, as scikit-learn computes its thresholds
        # from float32 copies of X.
        cols.append((x ** 1.3).astype(np.float32).astype(float))
    X = np.column_stack(cols)
    y = 2.0 * X[:, 0] + np.sin(X[:, 1]) + 0.3 * X[:, 2] - 0.05 * X[:, 3] + 0.1 * rng.standard_normal(n)
    return X, y


def test_constant_draws_count_towards_max_features():
    # Two informative-or-noise features among 98 constant ones. Drawing 2 of 100 features at the
    # root rarely meets both, so the root splits on whichever non-constant feature comes first:
    # about half the roots split on the noise feature. Counting only non-constant features, every
    # root would search both and take the informative one.
    rng = np.random.default_rng(0)
    n = 400
    X = np.zeros((n, 100))
    X[:, 10] = rng.standard_normal(n)  # noise
    X[:, 70] = rng.standard_normal(n)
    y = (X[:, 70] + 0.3 * rng.standard_normal(n) > 0).astype(int)
    params = dict(n_estimators=200, max_features=2, random_state=0)
    ours = _root_features(RandomForestClassifier(**params).fit(X, y))
    ref = np.array([t.tree_.feature[0] for t in SkClassifier(**params).fit(X, y).estimators_])
    assert set(ours) <= {10, 70}
    share_ours, share_ref = np.mean(ours == 10), np.mean(ref == 10)
    assert 0.35 < share_ref < 0.65  # the rule, as scikit-learn applies it
    assert abs(share_ours - share_ref) < 0.12


def test_all_features_constant_but_impure_makes_a_leaf():
    # Duplicate rows with different labels: nothing to split, whatever is drawn.
    X = np.zeros((50, 30))
    X[:25, 3] = 1.0
    y = np.arange(50) % 2
    model = RandomForestClassifier(n_estimators=5, max_features=2, random_state=0).fit(X, y)
    state = json.loads(model._core.to_json())["state"]
    assert max(np.diff(state["tree_begin"])) <= 3  # at most the split on feature 3


@pytest.mark.parametrize("n", [200, 3000])  # exact nodes only; histogram nodes at the top
def test_single_tree_on_few_values_equals_sklearn(n):
    X, y = _few_values(n, 0)
    params = dict(n_estimators=1, bootstrap=False, max_features=None, min_samples_leaf=3, random_state=0)
    ours = RandomForestRegressor(**params).fit(X, y)
    ref = SkRegressor(**params).fit(X, y)
    tree = ref.estimators_[0].tree_
    assert tree.node_count == ours._core.node_count
    # Rows between and beyond the training values: equal predictions need equal thresholds.
    rng = np.random.default_rng(5)
    Xt = rng.uniform(-0.5, X.max(axis=0) + 0.5, size=(5000, X.shape[1]))
    np.testing.assert_allclose(ours.predict(Xt), ref.predict(Xt), rtol=1e-12, atol=1e-12)
    state = json.loads(ours._core.to_json())["state"]
    inner = np.asarray(state["node_feature"]) >= 0
    np.testing.assert_array_equal(np.sort(np.asarray(state["node_threshold"])[inner]),
                                  np.sort(tree.threshold[tree.feature >= 0]))


def test_wide_sparse_binary_accuracy_close_to_sklearn():
    # Wide, sparse, binary (as text or web-page indicators): 600 features, 2% ones.
    rng = np.random.default_rng(2)
    n, d = 2400, 600
    X = (rng.random((n, d)) < 0.02).astype(float)
    w = np.zeros(d)
    w[:40] = rng.normal(0, 2.0, size=40)
    y = (X @ w + 0.3 * rng.standard_normal(n) > 0.2).astype(int)
    Xtr, ytr, Xte, yte = X[:1800], y[:1800], X[1800:], y[1800:]
    accs, aucs = {}, {}
    for label, make in [("oddkit", RandomForestClassifier), ("sklearn", SkClassifier)]:
        acc, auc = [], []
        for seed in range(3):
            m = make(n_estimators=100, n_jobs=2, random_state=seed).fit(Xtr, ytr)
            p = m.predict_proba(Xte)[:, 1]
            acc.append(accuracy_score(yte, p > 0.5))
            auc.append(roc_auc_score(yte, p))
        accs[label], aucs[label] = np.mean(acc), np.mean(auc)
    assert aucs["sklearn"] > 0.8
    assert abs(accs["oddkit"] - accs["sklearn"]) < 0.01 + 0.01  # seed spread on 600 test rows
    assert abs(aucs["oddkit"] - aucs["sklearn"]) < 0.01


@pytest.mark.parametrize("weighted", [False, True])
def test_two_class_tree_on_binary_columns_equals_sklearn(weighted):
    # Two classes and two-valued columns from evenly split to 95% zeros: the histogram of such
    # a column is counted without a branch unless its zeros dominate (>= 90% of the rows), so
    # both ways are taken, in nodes large enough to be searched by histogram; fractional
    # weights make any change in the order of the additions visible. Depth and leaf size keep
    # the nodes large enough that no two columns tie on the same rows.
    rng = np.random.default_rng(4)
    n = 4000
    shares = [0.5, 0.6, 0.7, 0.8, 0.88, 0.92, 0.95]
    X = np.column_stack([(rng.random(n) >= s).astype(float) for s in shares])
    score = X @ np.array([1.0, -0.8, 0.6, 1.2, -0.5, 0.9, 1.5]) + 0.7 * rng.standard_normal(n)
    y = (score > 0.4).astype(int)
    w = rng.uniform(0.2, 3.0, size=n) if weighted else None
    params = dict(n_estimators=1, bootstrap=False, max_features=None, max_depth=5, min_samples_leaf=40,
                  random_state=0)
    ours = RandomForestClassifier(**params).fit(X, y, sample_weight=w)
    ref = SkClassifier(**params).fit(X, y, sample_weight=w)
    assert ref.estimators_[0].tree_.node_count == ours._core.node_count
    grid = np.array([[(k >> j) & 1 for j in range(X.shape[1])] for k in range(2 ** X.shape[1])], dtype=float)
    np.testing.assert_allclose(ours.predict_proba(grid), ref.predict_proba(grid), rtol=1e-12, atol=1e-12)
