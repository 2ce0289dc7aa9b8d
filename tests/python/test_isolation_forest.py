"""oddkit.IsolationForest against scikit-learn, its own C++ engine and the bad-input catalogue."""

import copy
import os
import pickle
import subprocess

import numpy as np
import pytest
from sklearn.ensemble import IsolationForest as SkIsolationForest
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score

import oddkit
from conftest import cpp_binary, planted


def test_roc_auc_within_001_of_scikit_learn():
    for seed, d in [(0, 4), (1, 8), (2, 16)]:
        rng = np.random.default_rng(seed)
        n = 5000
        X = rng.normal(size=(n, d))
        y = np.zeros(n)
        idx = rng.choice(n, 100, replace=False)
        # Outliers that are only mildly out, so the AUC is informative (not 1.0).
        X[idx] += rng.normal(scale=2.5, size=(100, d))
        y[idx] = 1
        ours = roc_auc_score(y, oddkit.IsolationForest(random_state=seed).fit(X).anomaly_score(X))
        theirs = roc_auc_score(y, -SkIsolationForest(random_state=seed).fit(X).score_samples(X))
        assert 0.7 < theirs < 1.0
        assert abs(ours - theirs) < 0.01, (ours, theirs)


def test_same_score_distribution_as_scikit_learn():
    # Same algorithm, different random numbers: averaged over many trees the scores agree closely.
    X, _ = planted(n=3000, d=5, outliers=30)
    ours = oddkit.IsolationForest(n_estimators=500, random_state=0).fit(X).score_samples(X)
    theirs = SkIsolationForest(n_estimators=500, random_state=0).fit(X).score_samples(X)
    assert np.abs(ours - theirs).max() < 0.03
    assert np.corrcoef(ours, theirs)[0, 1] > 0.99


def test_signs_and_attributes_follow_scikit_learn(planted_data):
    X, y = planted_data
    forest = oddkit.IsolationForest(n_estimators=50, random_state=1).fit(X)
    s = forest.score_samples(X)
    np.testing.assert_array_equal(forest.anomaly_score(X), -s)
    np.testing.assert_array_equal(forest.decision_function(X), s - forest.offset_)
    np.testing.assert_array_equal(forest.predict(X), np.where(s - forest.offset_ < 0, -1, 1))
    assert forest.offset_ == -0.5
    assert forest.max_samples_ == 256
    assert forest.n_features_in_ == X.shape[1]
    assert (forest.predict(X)[y == 1] == -1).mean() >= 0.95
    assert forest.fit_predict(X).shape == (X.shape[0],)


def test_contamination_sets_offset_like_scikit_learn(planted_data):
    X, _ = planted_data
    forest = oddkit.IsolationForest(contamination=0.05, random_state=3).fit(X)
    assert forest.offset_ == np.percentile(forest.score_samples(X), 5.0)
    assert (forest.predict(X) == -1).mean() == pytest.approx(0.05, abs=1 / len(X))


def test_bit_identical_for_any_n_jobs(planted_data):
    X, _ = planted_data
    for ext in (0, 3):
        a = oddkit.IsolationForest(extension_level=ext, n_jobs=1, random_state=5).fit(X)
        b = oddkit.IsolationForest(extension_level=ext, n_jobs=-1, random_state=5).fit(X)
        np.testing.assert_array_equal(a.score_samples(X), b.score_samples(X))
        np.testing.assert_array_equal(a.feature_attributions(X[:50]), b.feature_attributions(X[:50]))


def test_feature_attributions_name_the_odd_sensor():
    X, y = planted(n=2000, d=6, outliers=20, odd_feature=4)
    forest = oddkit.IsolationForest(random_state=0).fit(X)
    attr = forest.feature_attributions(X[y == 1])
    np.testing.assert_allclose(attr.sum(axis=1), 1.0)
    assert (attr.argmax(axis=1) == 4).all()


def test_pickle_copy_and_deepcopy_keep_scores(planted_data):
    X, _ = planted_data
    forest = oddkit.IsolationForest(n_estimators=20, extension_level=2, random_state=2).fit(X)
    expected = forest.score_samples(X)
    for clone in (pickle.loads(pickle.dumps(forest)), copy.deepcopy(forest), copy.copy(forest)):
        np.testing.assert_array_equal(clone.score_samples(X), expected)
        assert clone.get_params() == forest.get_params()


@pytest.mark.parametrize("suffix", [".json", ".cbor", ".msgpack"])
def test_save_load_round_trip(tmp_path, planted_data, suffix):
    X, _ = planted_data
    forest = oddkit.IsolationForest(n_estimators=30, contamination=0.1, random_state=4).fit(X)
    path = tmp_path / f"model{suffix}"
    forest.save(path)
    loaded = oddkit.IsolationForest.load(path)
    np.testing.assert_array_equal(loaded.score_samples(X), forest.score_samples(X))
    assert loaded.offset_ == forest.offset_
    assert loaded.get_params() == forest.get_params()
    assert not any(p.name.startswith("model" + suffix + ".tmp") for p in tmp_path.iterdir())


def test_feature_names_survive_save_and_load(tmp_path):
    pd = pytest.importorskip("pandas")
    X, _ = planted(n=500, d=3, outliers=5)
    frame = pd.DataFrame(X, columns=["temp", "humidity", "pressure"])
    forest = oddkit.IsolationForest(n_estimators=10, random_state=0).fit(frame)
    forest.save(tmp_path / "m.json")
    loaded = oddkit.IsolationForest.load(tmp_path / "m.json")
    assert list(loaded.feature_names_in_) == ["temp", "humidity", "pressure"]
    np.testing.assert_array_equal(loaded.score_samples(frame), forest.score_samples(frame))


def test_model_from_python_scores_identically_in_cpp(tmp_path, planted_data):
    X, _ = planted_data
    forest = oddkit.IsolationForest(n_estimators=50, extension_level=1, random_state=9).fit(X)
    model = tmp_path / "model.json"
    forest.save(model)
    data = tmp_path / "rows.csv"
    np.savetxt(data, X[:300], delimiter=",", fmt="%.17g")
    out = subprocess.run([cpp_binary("oddkit_score"), str(model), str(data)], check=True,
                         capture_output=True, text=True).stdout
    cpp_scores = np.array([float(v) for v in out.split()])
    np.testing.assert_array_equal(cpp_scores, forest.score_samples(X[:300]))


def test_same_seed_same_model_as_cpp(tmp_path, planted_data):
    # The C++ demo trains with .random_state = 7 on the same CSV: the documents must be equal.
    X, _ = planted_data
    data = tmp_path / "train.csv"
    np.savetxt(data, X, delimiter=",", fmt="%.17g")
    cpp_model = tmp_path / "cpp.json"
    subprocess.run([cpp_binary("oddkit_score"), "--train", str(data), str(cpp_model), "7"], check=True)
    py_model = tmp_path / "py.json"
    oddkit.IsolationForest(random_state=7).fit(X).save(py_model)
    assert cpp_model.read_bytes() == py_model.read_bytes()


# --- bad input --------------------------------------------------------------------------


def fitted():
    X, _ = planted(n=200, d=3, outliers=0)
    return oddkit.IsolationForest(n_estimators=5, random_state=0).fit(X), X


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.array([[1.0, np.nan], [2.0, 3.0]]), "NaN"),
        (np.array([[1.0, np.inf], [2.0, 3.0]]), "inf"),
        (np.empty((0, 3)), "0 sample"),
        (np.array([1.0, 2.0, 3.0]), "2D array"),
        (np.array([["a", "b"], ["c", "d"]]), "convert|could not"),
    ],
)
def test_bad_training_data_is_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        oddkit.IsolationForest().fit(bad)


def test_bad_scoring_data_is_refused():
    forest, X = fitted()
    with pytest.raises(ValueError, match="X has 2 features, but IsolationForest is expecting 3"):
        forest.score_samples(X[:, :2])
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN at row 3, column 1"):
        forest.score_samples(bad)
    with pytest.raises(ValueError, match="2D"):
        forest.score_samples(X[0])


@pytest.mark.parametrize(
    "params, name",
    [
        ({"n_estimators": 0}, "n_estimators"),
        ({"max_samples": 0}, "max_samples"),
        ({"max_samples": 1.5}, "max_samples"),
        ({"max_samples": "all"}, "max_samples"),
        ({"contamination": 0.7}, "contamination"),
        ({"contamination": -0.1}, "contamination"),
        ({"max_features": 0.0}, "max_features"),
        ({"max_features": 2.5}, "max_features"),
        ({"extension_level": -1}, "extension_level"),
        ({"extension_level": 3}, "extension_level"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"random_state": -1}, "random_state"),
    ],
)
def test_bad_parameters_name_the_parameter(params, name):
    X, _ = planted(n=100, d=3, outliers=0)
    with pytest.raises(ValueError, match=name):
        oddkit.IsolationForest(**params).fit(X)


def test_scoring_before_fit_is_not_fitted_error():
    forest = oddkit.IsolationForest()
    for method in (forest.score_samples, forest.decision_function, forest.predict,
                   forest.anomaly_score, forest.feature_attributions):
        with pytest.raises(NotFittedError):
            method(np.zeros((2, 2)))
    with pytest.raises(NotFittedError):
        forest.save("never-written.json")
    assert not os.path.exists("never-written.json")


def test_loading_bad_files_is_refused(tmp_path):
    forest, X = fitted()
    good = tmp_path / "good.json"
    forest.save(good)
    text = good.read_text()

    with pytest.raises(FileNotFoundError, match="path"):
        oddkit.IsolationForest.load(tmp_path / "missing.json")
    truncated = tmp_path / "truncated.json"
    truncated.write_text(text[: len(text) // 2])
    with pytest.raises(oddkit.FormatError, match="malformed or truncated"):
        oddkit.IsolationForest.load(truncated)
    cbor = tmp_path / "model.cbor"
    forest.save(cbor)
    data = cbor.read_bytes()
    (tmp_path / "cut.cbor").write_bytes(data[:-10])
    with pytest.raises(ValueError):
        oddkit.IsolationForest.load(tmp_path / "cut.cbor")
    other = tmp_path / "other.json"
    other.write_text(text.replace('"estimator":"IsolationForest"', '"estimator":"OneClassSVM"'))
    with pytest.raises(oddkit.FormatError, match="holds a OneClassSVM"):
        oddkit.IsolationForest.load(other)
    newer = tmp_path / "newer.json"
    newer.write_text(text.replace('"version":1', '"version":7'))
    with pytest.raises(oddkit.FormatError, match="version 7"):
        oddkit.IsolationForest.load(newer)
    flipped = tmp_path / "flipped.json"
    flipped.write_text(text.replace('"offset":-0.5', '"offset":-0.25'))
    with pytest.raises(oddkit.FormatError, match="checksum"):
        oddkit.IsolationForest.load(flipped)
    not_model = tmp_path / "data.json"
    not_model.write_text('{"a": [1, 2, 3]}')
    with pytest.raises(oddkit.FormatError, match="not an oddkit model"):
        oddkit.IsolationForest.load(not_model)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01binary")
    with pytest.raises(oddkit.FormatError):
        oddkit.IsolationForest.load(garbage)
    assert issubclass(oddkit.FormatError, ValueError)


def test_saving_never_leaves_half_a_model(tmp_path):
    forest, _ = fitted()
    target = tmp_path / "model.json"
    forest.save(target)
    before = target.read_bytes()
    with pytest.raises(ValueError):
        forest.save(tmp_path / "no-such-dir" / "model.json")
    assert target.read_bytes() == before


@pytest.mark.parametrize("name, suffix", [("isolation_forest_v1", ".json"),
                                          ("isolation_forest_extended_v1", ".cbor")])
def test_format_1_fixtures_still_load_and_score_the_same(name, suffix):
    fixtures = os.path.join(os.path.dirname(__file__), "..", "fixtures")
    X = np.loadtxt(os.path.join(fixtures, "isolation_forest_rows.csv"), delimiter=",")
    expected = np.loadtxt(os.path.join(fixtures, f"{name}_scores.csv"))
    forest = oddkit.IsolationForest.load(os.path.join(fixtures, name + suffix))
    np.testing.assert_array_equal(forest.score_samples(X), expected)
    with open(os.path.join(fixtures, name + suffix), "rb") as handle:
        again = pickle.loads(pickle.dumps(forest))
        assert handle.read(1) in (b"{", bytes([0xA7]), bytes([0xA6]))
    np.testing.assert_array_equal(again.score_samples(X), expected)


def test_scoring_zero_rows_is_refused_like_scikit_learn():
    forest, X = fitted()
    with pytest.raises(ValueError, match="0 sample"):
        forest.score_samples(np.empty((0, 3)))


def test_large_inputs_are_scored_in_chunks_identically():
    # More rows than one interruptible chunk (65,536): chunking must not change any score.
    X, _ = planted(n=70_000, d=3, outliers=0)
    forest = oddkit.IsolationForest(n_estimators=10, random_state=0).fit(X)
    whole = forest.score_samples(X)
    parts = np.concatenate([forest.score_samples(X[:40_000]), forest.score_samples(X[40_000:])])
    np.testing.assert_array_equal(whole, parts)
