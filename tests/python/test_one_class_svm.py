"""oddkit.OneClassSVM against scikit-learn's OneClassSVM, plus files, pickling and bad input."""

import pickle

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score
from sklearn.svm import OneClassSVM as SkOneClassSVM
from sklearn.utils.estimator_checks import check_estimator

import oddkit
from oddkit import OneClassSVM


def planted(n=400, d=4, outliers=20, seed=0, shift=0.0):
    rng = np.random.RandomState(seed)
    X = np.vstack([rng.randn(n, d), rng.uniform(-6, 6, (outliers, d))]) + shift
    y = np.r_[np.zeros(n), np.ones(outliers)]
    return X, y


CASES = [
    dict(kernel="rbf"),
    dict(kernel="rbf", gamma="auto", nu=0.1),
    dict(kernel="rbf", gamma=0.7, nu=0.05, shrinking=False),
    # linear: data away from the origin, otherwise w = 0 and every score is 0
    dict(kernel="linear", nu=0.3),
    dict(kernel="poly", gamma=0.3, coef0=1.0, degree=3, nu=0.2),
    dict(kernel="poly", gamma="scale", coef0=0.5, degree=2, nu=0.5),
    dict(kernel="sigmoid", gamma=0.05, coef0=0.0, nu=0.3),
]


@pytest.mark.parametrize("params", CASES, ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()))
def test_agrees_with_scikit_learn(params):
    X, _ = planted(shift=5.0 if params["kernel"] == "linear" else 0.0)
    ours = OneClassSVM(**params).fit(X)
    ref = SkOneClassSVM(**params).fit(X)
    scale = np.abs(ref.score_samples(X)).max()
    d_ours, d_ref = ours.decision_function(X), ref.decision_function(X)
    np.testing.assert_allclose(d_ours, d_ref, rtol=0, atol=1e-3 * scale)
    np.testing.assert_allclose(ours.offset_, ref.offset_, rtol=1e-3, atol=1e-3 * scale)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-3, atol=1e-3 * scale)
    np.testing.assert_allclose(ours.score_samples(X), ours.decision_function(X) + ours.offset_)
    np.testing.assert_allclose(ours.anomaly_score(X), -ours.decision_function(X))
    # predictions equal except within the tolerance of the boundary
    differ = ours.predict(X) != ref.predict(X)
    assert np.all(np.abs(d_ref[differ]) < 1e-3 * scale)
    assert abs(int(ours.n_support_[0]) - int(ref.n_support_[0])) <= max(2, 0.02 * ref.n_support_[0])
    # held-out rows score the same too
    X_new, _ = planted(n=50, outliers=5, seed=1, shift=5.0 if params["kernel"] == "linear" else 0.0)
    np.testing.assert_allclose(ours.decision_function(X_new), ref.decision_function(X_new), rtol=0, atol=1e-3 * scale)


def test_attributes_have_scikit_learn_shapes_and_types():
    X, _ = planted()
    ours = OneClassSVM(nu=0.2).fit(X)
    ref = SkOneClassSVM(nu=0.2).fit(X)
    np.testing.assert_array_equal(ours.support_, ref.support_)
    assert ours.support_.dtype == ref.support_.dtype
    assert ours.dual_coef_.shape == ref.dual_coef_.shape
    np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_, atol=1e-6)
    np.testing.assert_array_equal(ours.support_vectors_, X[ours.support_])
    assert ours.n_support_.shape == ref.n_support_.shape == (1,)
    assert ours.intercept_.shape == (1,)
    assert ours.offset_ == -ours.intercept_[0]
    assert ours.fit_status_ == 0
    assert ours.shape_fit_ == X.shape
    assert ours.n_features_in_ == 4
    assert ours.dual_coef_.sum() == pytest.approx(0.2 * X.shape[0])


def test_nystroem_auc_within_002_of_exact():
    X, y = planted(n=3000, d=6, outliers=90, seed=3)
    exact = OneClassSVM(nu=0.1).fit(X)
    approx = OneClassSVM(nu=0.1, method="nystroem", n_components=200, random_state=0).fit(X)
    auc_exact = roc_auc_score(y, exact.anomaly_score(X))
    auc_approx = roc_auc_score(y, approx.anomaly_score(X))
    assert auc_exact > 0.9
    assert abs(auc_exact - auc_approx) < 0.02
    assert approx.support_vectors_.shape == (200, 6)
    # about a fraction nu of training rows are outside
    assert np.mean(approx.predict(X) == -1) == pytest.approx(0.1, abs=0.01)


def test_deterministic_for_any_n_jobs():
    X, _ = planted(n=1200, seed=4)
    for method in ("exact", "nystroem"):
        a = OneClassSVM(nu=0.2, method=method, n_components=60, random_state=7, n_jobs=1).fit(X)
        b = OneClassSVM(nu=0.2, method=method, n_components=60, random_state=7, n_jobs=2).fit(X)
        np.testing.assert_array_equal(a.score_samples(X), b.score_samples(X))
        assert a.offset_ == b.offset_


def test_pickle_save_load_round_trip(tmp_path):
    X, _ = planted()
    model = OneClassSVM(kernel="poly", gamma=0.2, coef0=1.0, degree=2, nu=0.3).fit(X)
    expected = model.decision_function(X)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.decision_function(X), expected)
    np.testing.assert_array_equal(again.support_, model.support_)
    for name in ("m.json", "m.cbor", "m.msgpack"):
        model.save(tmp_path / name)
        loaded = OneClassSVM.load(tmp_path / name)
        np.testing.assert_array_equal(loaded.decision_function(X), expected)
        assert loaded.get_params() == {**model.get_params(), "random_state": loaded.random_state}
        np.testing.assert_array_equal(loaded.dual_coef_, model.dual_coef_)
    with pytest.raises(FileNotFoundError):
        OneClassSVM.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text('{"format": "oddkit-model"')
    with pytest.raises(ValueError):
        OneClassSVM.load(tmp_path / "bad.json")


def test_feature_names_are_kept():
    pd = pytest.importorskip("pandas")
    X, _ = planted(n=100, outliers=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = OneClassSVM().fit(frame)
    assert list(model.feature_names_in_) == ["a", "b", "c", "d"]
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.decision_function(frame), model.decision_function(frame))


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(nu=0.0), "nu"),
        (dict(nu=1.5), "nu"),
        (dict(kernel="cosine"), "kernel"),
        (dict(kernel="precomputed"), "kernel"),
        (dict(gamma=0.0), "gamma"),
        (dict(gamma=-1.0), "gamma"),
        (dict(gamma="often"), "gamma"),
        (dict(tol=0), "tol"),
        (dict(cache_size=0), "cache_size"),
        (dict(degree=-1), "degree"),
        (dict(max_iter=0), "max_iter"),
        (dict(method="fast"), "method"),
        (dict(n_components=0), "n_components"),
    ],
)
def test_bad_parameters(params, match):
    X, _ = planted(n=30, outliers=0)
    with pytest.raises(ValueError, match=match):
        OneClassSVM(**params).fit(X)


def test_bad_input():
    X, _ = planted(n=30, outliers=0)
    with pytest.raises(NotFittedError):
        OneClassSVM().decision_function(X)
    with pytest.raises(NotFittedError):
        OneClassSVM().save("never.json")
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        OneClassSVM().fit(bad)
    bad[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity|inf"):
        OneClassSVM().fit(bad)
    with pytest.raises(ValueError):
        OneClassSVM().fit(np.empty((0, 3)))
    model = OneClassSVM().fit(X)
    with pytest.raises(ValueError, match="features"):
        model.decision_function(X[:, :2])
    with pytest.raises(ValueError):
        model.decision_function(bad)
    with pytest.raises(ValueError):
        model.decision_function(X[0])  # 1-D
    # the C++ core names the argument itself
    core = oddkit._core.OneClassSVM()
    with pytest.raises(ValueError, match="nu"):
        oddkit._core.OneClassSVM(nu=2.0)
    with pytest.raises(ValueError, match="X"):
        core.fit(np.empty((0, 3)))
    with pytest.raises(ValueError):
        oddkit._core.OneClassSVM.from_bytes(b"\x00garbage")


def test_passes_check_estimator():
    check_estimator(OneClassSVM())
