"""oddkit.metrics against scikit-learn on the same inputs (random, with ties)."""

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import oddkit.metrics as om
from oddkit import TimeSeriesSplit

TOL = dict(rtol=1e-12, atol=1e-12)


@st.composite
def binary_problem(draw, weighted=False):
    n = draw(st.integers(2, 60))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[0], y[1] = 0, 1  # both classes present
    levels = draw(st.integers(1, 12))  # few levels -> many ties
    s = rng.integers(0, levels, n) / levels + (rng.random(n) if draw(st.booleans()) else 0.0)
    w = rng.integers(0, 4, n).astype(float) * rng.random(n) if weighted else None
    if w is not None:
        w[0] = w[1] = 1.0
    return y, s, w


@settings(max_examples=60, deadline=None)
@given(binary_problem(), st.booleans())
def test_roc_curve_matches_sklearn(problem, drop):
    y, s, _ = problem
    ours = om.roc_curve(y, s, drop_intermediate=drop)
    ref = skm.roc_curve(y, s, drop_intermediate=drop)
    for a, b in zip(ours, ref):
        assert_allclose(a, b, **TOL)
    assert om.roc_auc_score(y, s) == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(binary_problem(weighted=True), st.booleans())
def test_weighted_curves_match_sklearn(problem, drop):
    y, s, w = problem
    for a, b in zip(om.roc_curve(y, s, sample_weight=w, drop_intermediate=drop),
                    skm.roc_curve(y, s, sample_weight=w, drop_intermediate=drop)):
        assert_allclose(a, b, **TOL)
    for a, b in zip(om.precision_recall_curve(y, s, sample_weight=w, drop_intermediate=drop),
                    skm.precision_recall_curve(y, s, sample_weight=w, drop_intermediate=drop)):
        assert_allclose(a, b, **TOL)
    assert om.average_precision_score(y, s, sample_weight=w) == pytest.approx(
        skm.average_precision_score(y, s, sample_weight=w), abs=1e-12)
    assert om.roc_auc_score(y, s, sample_weight=w) == pytest.approx(
        skm.roc_auc_score(y, s, sample_weight=w), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(binary_problem(), st.booleans())
def test_precision_recall_curve_and_ap_match_sklearn(problem, drop):
    y, s, _ = problem
    for a, b in zip(om.precision_recall_curve(y, s, drop_intermediate=drop),
                    skm.precision_recall_curve(y, s, drop_intermediate=drop)):
        assert_allclose(a, b, **TOL)
    assert om.average_precision_score(y, s) == pytest.approx(skm.average_precision_score(y, s), abs=1e-12)


def test_string_labels_and_pos_label():
    rng = np.random.default_rng(1)
    y = np.where(rng.random(50) < 0.4, "spam", "ham")
    s = rng.integers(0, 5, 50).astype(float)
    for a, b in zip(om.roc_curve(y, s, pos_label="spam"), skm.roc_curve(y, s, pos_label="spam")):
        assert_allclose(a, b, **TOL)
    assert om.roc_auc_score(y, s) == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
    assert om.average_precision_score(y, s, pos_label="spam") == pytest.approx(
        skm.average_precision_score(y, s, pos_label="spam"), abs=1e-12)
    with pytest.raises(ValueError, match="pos_label"):
        om.roc_curve(y, s)


def test_multiclass_ovr_auc_and_ap():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 80)
    p = rng.random((80, 3))
    p /= p.sum(axis=1, keepdims=True)
    for average in ("macro", "weighted"):
        assert om.roc_auc_score(y, p, multi_class="ovr", average=average) == pytest.approx(
            skm.roc_auc_score(y, p, multi_class="ovr", average=average), abs=1e-12)
        assert om.average_precision_score(y, p, average=average) == pytest.approx(
            skm.average_precision_score(y, p, average=average), abs=1e-12)


@st.composite
def label_problem(draw):
    n = draw(st.integers(1, 60))
    k = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    t = rng.integers(0, k, n)
    p = rng.integers(0, k, n)
    w = rng.random(n) * 3 if draw(st.booleans()) else None
    return t, p, w


@settings(max_examples=80, deadline=None)
@given(label_problem(), st.sampled_from(["micro", "macro", "weighted", None]),
       st.sampled_from([0, 1, np.nan]))
def test_label_metrics_match_sklearn(problem, average, zero_division):
    t, p, w = problem
    assert_allclose(om.confusion_matrix(t, p, sample_weight=w),
                    skm.confusion_matrix(t, p, sample_weight=w), **TOL)
    assert om.accuracy_score(t, p, sample_weight=w) == pytest.approx(
        skm.accuracy_score(t, p, sample_weight=w), abs=1e-12)
    ours = om.precision_recall_fscore_support(t, p, average=average, sample_weight=w,
                                              zero_division=zero_division)
    ref = skm.precision_recall_fscore_support(t, p, average=average, sample_weight=w,
                                              zero_division=zero_division)
    for a, b in zip(ours[:3], ref[:3]):
        assert_allclose(a, b, equal_nan=True, **TOL)
    if average is None:
        assert_allclose(ours[3], ref[3], **TOL)


@settings(max_examples=60, deadline=None)
@given(label_problem(), st.sampled_from([0, 1]))
def test_binary_f1_precision_recall_match_sklearn(problem, pos_label):
    t, p, w = problem
    t, p = t % 2, p % 2
    for ours, ref in ((om.f1_score, skm.f1_score), (om.precision_score, skm.precision_score),
                      (om.recall_score, skm.recall_score)):
        assert ours(t, p, pos_label=pos_label, sample_weight=w, zero_division=0) == pytest.approx(
            ref(t, p, pos_label=pos_label, sample_weight=w, zero_division=0), abs=1e-12)
    assert om.fbeta_score(t, p, beta=0.5, average="macro") == pytest.approx(
        skm.fbeta_score(t, p, beta=0.5, average="macro", zero_division=0), abs=1e-12)


def test_string_labels_confusion_matrix_with_labels_and_normalize():
    t = np.array(["b", "a", "c", "a", "b", "b"])
    p = np.array(["b", "c", "c", "a", "a", "b"])
    assert_array_equal(om.confusion_matrix(t, p), skm.confusion_matrix(t, p))
    assert om.confusion_matrix(t, p).dtype == skm.confusion_matrix(t, p).dtype
    assert_array_equal(om.confusion_matrix(t, p, labels=["c", "a"]),
                       skm.confusion_matrix(t, p, labels=["c", "a"]))
    for normalize in ("true", "pred", "all"):
        assert_allclose(om.confusion_matrix(t, p, normalize=normalize),
                        skm.confusion_matrix(t, p, normalize=normalize), **TOL)
    assert om.f1_score(t, p, average="weighted") == pytest.approx(
        skm.f1_score(t, p, average="weighted"), abs=1e-12)


def test_bad_metric_input():
    with pytest.raises(ValueError, match="y_score"):
        om.roc_curve([0, 1, 1], [0.1, np.nan, 0.3])
    with pytest.raises(ValueError, match="y_score"):
        om.roc_curve([0, 1, 1], [0.1, 0.3])
    with pytest.raises(ValueError, match="y_pred"):
        om.accuracy_score([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="binary"):
        om.f1_score([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="continuous"):
        om.accuracy_score([0.5, 1.5], [0.5, 1.5])
    with pytest.raises(ValueError, match="y_true"):
        om.roc_curve([], [])
    with pytest.raises(ValueError, match="y_true"):
        om.roc_curve([0.0, np.nan], [0.1, 0.2])
    with pytest.warns(Warning):
        assert np.isnan(om.roc_auc_score([1, 1], [0.2, 0.3]))


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 60), st.integers(2, 6), st.one_of(st.none(), st.integers(1, 10)),
       st.one_of(st.none(), st.integers(1, 8)), st.integers(0, 4))
def test_time_series_split_matches_sklearn(n, n_splits, max_train_size, test_size, gap):
    from sklearn.model_selection import TimeSeriesSplit as Reference

    X = np.zeros((n, 2))
    ours = TimeSeriesSplit(n_splits, max_train_size=max_train_size, test_size=test_size, gap=gap)
    ref = Reference(n_splits, max_train_size=max_train_size, test_size=test_size, gap=gap)
    try:
        expected = list(ref.split(X))
    except ValueError:
        with pytest.raises(ValueError):
            list(ours.split(X))
        return
    got = list(ours.split(X))
    assert len(got) == len(expected) == ours.get_n_splits()
    for (a, b), (c, d) in zip(got, expected):
        assert_array_equal(a, c)
        assert_array_equal(b, d)
