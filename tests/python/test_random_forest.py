"""oddkit's forests against scikit-learn's on the same data, plus the bad-input catalogue."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier as SkClassifier
from sklearn.ensemble import RandomForestRegressor as SkRegressor
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score

import oddkit
from oddkit import RandomForestClassifier, RandomForestRegressor


@pytest.fixture(scope="module")
def binary_data():
    X, y = make_classification(n_samples=3000, n_features=12, n_informative=6, flip_y=0.05,
                               random_state=0)
    return X[:2000], y[:2000], X[2000:], y[2000:]


def test_classifier_matches_sklearn_accuracy_auc_and_oob(binary_data):
    X, y, Xt, yt = binary_data
    ours = RandomForestClassifier(n_estimators=100, oob_score=True, random_state=0, n_jobs=2).fit(X, y)
    ref = SkClassifier(n_estimators=100, oob_score=True, random_state=0, n_jobs=2).fit(X, y)
    acc_o, acc_r = accuracy_score(yt, ours.predict(Xt)), accuracy_score(yt, ref.predict(Xt))
    auc_o = roc_auc_score(yt, ours.predict_proba(Xt)[:, 1])
    auc_r = roc_auc_score(yt, ref.predict_proba(Xt)[:, 1])
    assert acc_o >= acc_r - 0.01
    assert auc_o >= auc_r - 0.01
    assert abs(ours.oob_score_ - ref.oob_score_) < 0.03
    assert ours.oob_decision_function_.shape == (2000, 2)
    # The same informative features lead both importance rankings.
    top_o = set(np.argsort(ours.feature_importances_)[-4:])
    top_r = set(np.argsort(ref.feature_importances_)[-4:])
    assert len(top_o & top_r) >= 3
    assert ours.feature_importances_.sum() == pytest.approx(1.0)


def test_multiclass_string_labels_and_class_weight():
    X, y = make_classification(n_samples=900, n_features=8, n_informative=5, n_classes=3,
                               random_state=1)
    labels = np.array(["cat", "dog", "eel"])[y]
    for cw in (None, "balanced", "balanced_subsample", {"cat": 2.0, "eel": 0.5}):
        ours = RandomForestClassifier(n_estimators=40, random_state=3, class_weight=cw).fit(X[:600], labels[:600])
        ref = SkClassifier(n_estimators=40, random_state=3, class_weight=cw).fit(X[:600], labels[:600])
        assert list(ours.classes_) == ["cat", "dog", "eel"]
        pred = ours.predict(X[600:])
        assert pred.dtype == ref.predict(X[600:]).dtype or set(pred) <= set(labels)
        assert accuracy_score(labels[600:], pred) >= accuracy_score(labels[600:], ref.predict(X[600:])) - 0.05
        p = ours.predict_proba(X[600:])
        assert p.shape == (300, 3)
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="class_weight"):
        RandomForestClassifier(class_weight={"cow": 1.0}).fit(X, labels)


def test_regressor_matches_sklearn():
    X, y = make_regression(n_samples=1500, n_features=8, n_informative=5, noise=5.0, random_state=2)
    ours = RandomForestRegressor(n_estimators=60, oob_score=True, random_state=0).fit(X[:1000], y[:1000])
    ref = SkRegressor(n_estimators=60, oob_score=True, random_state=0).fit(X[:1000], y[:1000])
    r2_o, r2_r = r2_score(y[1000:], ours.predict(X[1000:])), r2_score(y[1000:], ref.predict(X[1000:]))
    assert r2_o >= r2_r - 0.02
    assert abs(ours.oob_score_ - ref.oob_score_) < 0.05
    assert ours.oob_prediction_.shape == (1000,)


def test_parameters_shape_the_trees(binary_data):
    X, y, _, _ = binary_data
    shallow = RandomForestClassifier(n_estimators=5, max_depth=2, random_state=0).fit(X, y)
    assert shallow._core.node_count <= 5 * 7
    leaves = RandomForestClassifier(n_estimators=5, max_leaf_nodes=9, random_state=0).fit(X, y)
    assert leaves._core.leaf_count == 45
    big_leaves = RandomForestClassifier(n_estimators=5, min_samples_leaf=200, random_state=0).fit(X, y)
    assert big_leaves._core.leaf_count <= 5 * 10
    for max_features in ("sqrt", "log2", None, 3, 0.5):
        RandomForestClassifier(n_estimators=3, max_features=max_features, criterion="entropy",
                               max_samples=0.5, random_state=0).fit(X, y)


def test_same_seed_same_model_for_any_n_jobs(binary_data):
    X, y, Xt, _ = binary_data
    a = RandomForestClassifier(n_estimators=20, random_state=7, n_jobs=1).fit(X, y)
    b = RandomForestClassifier(n_estimators=20, random_state=7, n_jobs=2).fit(X, y)
    assert np.array_equal(a.predict_proba(Xt), b.predict_proba(Xt))
    assert np.array_equal(a.feature_importances_, b.feature_importances_)


def test_pickle_and_save_load_round_trip(binary_data, tmp_path):
    X, y, Xt, _ = binary_data
    labels = np.where(y == 1, "yes", "no")
    model = RandomForestClassifier(n_estimators=10, random_state=1).fit(X, labels)
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(again.predict_proba(Xt), model.predict_proba(Xt))
    for suffix in (".json", ".cbor", ".msgpack"):
        path = tmp_path / f"rf{suffix}"
        model.save(path)
        loaded = RandomForestClassifier.load(path)
        assert np.array_equal(loaded.predict(Xt), model.predict(Xt))
        assert list(loaded.classes_) == ["no", "yes"]
    reg = RandomForestRegressor(n_estimators=5, random_state=1).fit(X, y.astype(float))
    reg.save(tmp_path / "reg.cbor")
    assert np.array_equal(RandomForestRegressor.load(tmp_path / "reg.cbor").predict(Xt), reg.predict(Xt))


def test_corrupted_documents_are_rejected(binary_data, tmp_path):
    X, y, _, _ = binary_data
    path = tmp_path / "rf.json"
    RandomForestClassifier(n_estimators=3, random_state=1).fit(X, y).save(path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(ValueError):
        RandomForestClassifier.load(path)
    path.write_text(text.replace('"node_left":[', '"node_left":[99999999,', 1))
    with pytest.raises(ValueError):
        RandomForestClassifier.load(path)
    with pytest.raises(FileNotFoundError):
        RandomForestClassifier.load(tmp_path / "missing.json")


def test_bad_input(binary_data):
    X, y, _, _ = binary_data
    clf = RandomForestClassifier(n_estimators=3)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    y_nan = y.astype(float)
    y_nan[3] = np.nan
    with pytest.raises(ValueError):
        clf.fit(X, y_nan)
    with pytest.raises(ValueError):
        clf.fit(X, y[:10])
    with pytest.raises(ValueError, match="class"):
        clf.fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="max_depth"):
        RandomForestClassifier(max_depth=0).fit(X, y)
    with pytest.raises(ValueError, match="min_samples_split"):
        RandomForestClassifier(min_samples_split=1).fit(X, y)
    with pytest.raises(ValueError, match="min_samples_leaf"):
        RandomForestClassifier(min_samples_leaf=0).fit(X, y)
    with pytest.raises(ValueError, match="oob_score"):
        RandomForestClassifier(bootstrap=False, oob_score=True).fit(X, y)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError):
        clf.fit(X_nan, y)
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    with pytest.raises(ValueError):
        clf.fit(X_inf, y)
    with pytest.raises(ValueError):
        clf.fit(np.empty((0, 3)), [])
    with pytest.raises(ValueError):
        clf.fit(X[:, 0], y)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])
    with pytest.raises(ValueError):
        clf.predict(X_nan)
    reg = RandomForestRegressor(n_estimators=3).fit(X, y.astype(float))
    with pytest.raises(AttributeError):
        reg.predict_proba(X)
    with pytest.raises(ValueError, match="criterion"):
        RandomForestRegressor(criterion="gini").fit(X, y)


@pytest.mark.parametrize("Estimator", [RandomForestClassifier, RandomForestRegressor])
def test_check_estimator(Estimator):
    from sklearn.utils.estimator_checks import check_estimator

    expected = {
        "check_sample_weight_equivalence_on_dense_data":
            "bootstrap draws rows, so integer weights and repeated rows differ (as in scikit-learn)",
    }
    check_estimator(Estimator(n_estimators=5), expected_failed_checks=expected)


def test_exported():
    assert oddkit.RandomForestClassifier is RandomForestClassifier


def test_fixture_models_predict_as_when_saved():
    # Written by C++ with the first forest release's prediction walk: the current walk must give
    # the same numbers bit for bit (tests/cpp/test_random_forest_predict.cpp checks the same).
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    X = np.loadtxt(fixtures / "random_forest_rows.csv", delimiter=",")
    expected = np.loadtxt(fixtures / "random_forest_v1_predictions.csv", delimiter=",")
    clf = RandomForestClassifier.load(fixtures / "random_forest_classifier_v1.cbor")
    reg = RandomForestRegressor.load(fixtures / "random_forest_regressor_v1.cbor")
    assert np.array_equal(clf.predict_proba(X), expected[:, :3])
    assert np.array_equal(reg.predict(X), expected[:, 3])
    assert np.array_equal(clf.predict(X), clf.classes_[np.argmax(expected[:, :3], axis=1)])


@pytest.mark.parametrize("make", [
    lambda: RandomForestClassifier(n_estimators=10, random_state=3),
    lambda: oddkit.IsolationForest(n_estimators=20, random_state=3),
    lambda: oddkit.OneClassSVM(nu=0.2),
])
def test_n_jobs_set_after_fit_is_used_when_scoring(make, binary_data):
    # scikit-learn reads n_jobs at predict time: a model fitted (or loaded) with one thread
    # must score with the n_jobs it has now, give the same numbers, and reject a bad value.
    X, y, _, _ = binary_data
    model = make().fit(X, y)
    score = model.predict_proba if hasattr(model, "predict_proba") else model.decision_function
    before = score(X)
    assert model._core.params["n_jobs"] == 1
    model.set_params(n_jobs=2)
    after = score(X)
    assert model._core.params["n_jobs"] == 2
    np.testing.assert_array_equal(before, after)
    model.set_params(n_jobs=0)
    with pytest.raises(ValueError, match="n_jobs"):
        score(X)
