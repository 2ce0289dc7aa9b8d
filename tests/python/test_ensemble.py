"""oddkit.Ensemble: combination rules against NumPy, ROC AUC on mixed sensor anomalies,
scikit-learn compatibility, documents and bad input."""

import pickle

import numpy as np
import pytest
from scipy.special import erf
from sklearn.metrics import roc_auc_score
from sklearn.utils.estimator_checks import check_estimator

import oddkit
from oddkit import _core


def sensor_data(seed=0, n=4000):
    """Four sensors in time order (0 and 1 strongly correlated) with four kinds of anomaly:
    spikes, level shifts, a stuck sensor and correlation breaks. Returns X and 0/1 labels."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, 4))
    X = base.copy()
    X[:, 1] = 0.95 * base[:, 0] + np.sqrt(1 - 0.95**2) * base[:, 1]
    y = np.zeros(n, dtype=int)
    # spikes: single readings far out in one sensor
    for t in rng.choice(np.arange(n // 40, n), n // 160, replace=False):
        X[t, rng.integers(4)] += rng.choice([-1, 1]) * rng.uniform(5, 8)
        y[t] = 1
    # level shifts: a sensor runs 1.5 sigma high for n / 66 readings
    width = n // 66
    for start in (n // 5, 23 * n // 40):
        X[start : start + width, 2] += 1.5
        y[start : start + width] = 1
    # a stuck sensor: one value repeated (at the top of its normal range)
    X[3 * n // 8 : 3 * n // 8 + width, 3] = 1.8
    y[3 * n // 8 : 3 * n // 8 + width] = 1
    # correlation breaks: sensors 0 and 1 disagree though each is in range
    for t in rng.choice(np.arange(3 * n // 4, n), n // 160, replace=False):
        v = rng.uniform(1.2, 2.0) * rng.choice([-1, 1])
        X[t, 0], X[t, 1] = v, -v
        y[t] = 1
    return X, y


def members():
    return [
        oddkit.IsolationForest(random_state=0),
        oddkit.ZScoreDetector(),
        oddkit.CUSUMDetector(),
        oddkit.MahalanobisDetector(robust=True, random_state=0),
    ]


def test_ensemble_auc_beats_every_member_on_mixed_anomalies():
    X, y = sensor_data()
    ensemble = oddkit.Ensemble(members(), normalization="rank", combination="max").fit(X)
    auc = roc_auc_score(y, ensemble.anomaly_score(X))
    member_aucs = {type(m).__name__: roc_auc_score(y, m.anomaly_score(X)) for m in ensemble.detectors_}
    for name, member_auc in member_aucs.items():
        assert auc > member_auc, (name, member_auc, auc)
    # the members' scores inside the ensemble are those of the fitted clones
    np.testing.assert_array_equal(ensemble.member_scores(X)[:, 1], ensemble.detectors_[1].anomaly_score(X))


@pytest.mark.parametrize("normalization", ["rank", "zscore", "minmax", "unify"])
def test_normalizations_and_combinations_match_numpy(normalization):
    X, _ = sensor_data(1, 600)
    Y, _ = sensor_data(2, 200)
    fitted = oddkit.Ensemble(members()[1:], normalization=normalization).fit(X)
    train = fitted.member_scores(X)
    raw = fitted.member_scores(Y)
    if normalization == "rank":
        z = np.stack([(np.sort(train[:, k])[None, :] <= raw[:, k, None]).mean(1) for k in range(3)], axis=1)
    elif normalization == "zscore":
        z = (raw - train.mean(0)) / train.std(0)
    elif normalization == "minmax":
        z = (raw - train.min(0)) / (train.max(0) - train.min(0))
    else:
        z = np.maximum(0, erf((raw - train.mean(0)) / (train.std(0) * np.sqrt(2))))
    np.testing.assert_allclose(fitted.normalized_scores(Y), z, rtol=1e-10, atol=1e-12)
    w = np.array([0.5, 2.0, 1.0])
    expected = {
        "mean": z.mean(1),
        "max": z.max(1),
        "weighted_mean": z @ w / w.sum(),
        "average_of_maximum": (np.maximum(z[:, 0], z[:, 2]) + z[:, 1]) / 2,
        "maximum_of_average": np.maximum((z[:, 0] + z[:, 2]) / 2, z[:, 1]),
    }
    for combination, ref in expected.items():
        weights = w if combination == "weighted_mean" else None
        e = oddkit.Ensemble(members()[1:], normalization=normalization, combination=combination, weights=weights)
        np.testing.assert_allclose(e.fit(X).anomaly_score(Y), ref, rtol=1e-10, atol=1e-12)
    vote = oddkit.Ensemble(members()[1:], combination="majority_vote").fit(X)
    votes = np.stack([m.predict(Y) == -1 for m in vote.detectors_], axis=1)
    np.testing.assert_allclose(vote.anomaly_score(Y), votes.mean(1))
    np.testing.assert_array_equal(vote.predict(Y) == -1, votes.mean(1) > 0.5)


def test_threshold_proba_and_contributions():
    X, y = sensor_data(3, 1000)
    e = oddkit.Ensemble(members(), contamination=0.05).fit(X)
    assert (e.predict(X) == -1).sum() == 50
    np.testing.assert_allclose(e.offset_, np.percentile(e.score_samples(X), 5))
    proba = e.predict_proba(X)
    assert proba.shape == (1000, 2)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    s = e.anomaly_score(X)
    np.testing.assert_allclose(proba[:, 1], np.maximum(0, erf((s - s.mean()) / (s.std() * np.sqrt(2)))), rtol=1e-9)
    shares = e.contributions(X)
    assert shares.shape == (1000, 4)
    flagged, rows = e.contributions(X, flagged_only=True)
    assert len(flagged) == 50
    np.testing.assert_allclose(rows.sum(1), 1.0)
    np.testing.assert_allclose(shares[flagged], rows)


def test_check_estimator():
    # a rate, as for the members: on clean blobs the "auto" rule rightly flags nothing
    check_estimator(oddkit.Ensemble([oddkit.ZScoreDetector(), oddkit.IQRDetector()], contamination=0.1))


def test_round_trips(tmp_path):
    X, _ = sensor_data(4, 500)
    e = oddkit.Ensemble(members(), normalization="unify", combination="weighted_mean", weights=[1, 2, 3, 4]).fit(X)
    expected = e.score_samples(X)
    clone = pickle.loads(pickle.dumps(e))
    np.testing.assert_array_equal(clone.score_samples(X), expected)
    for name in ("e.json", "e.cbor", "e.msgpack"):
        e.save(tmp_path / name)
        for loaded in (oddkit.Ensemble.load(tmp_path / name), oddkit.load_detector(tmp_path / name)):
            assert type(loaded) is oddkit.Ensemble
            assert [type(m) for m in loaded.detectors_] == [type(m) for m in e.detectors_]
            np.testing.assert_array_equal(loaded.score_samples(X), expected)
            np.testing.assert_array_equal(loaded.predict_proba(X), e.predict_proba(X))
    # an ensemble of ensembles
    nested = oddkit.Ensemble([oddkit.Ensemble([oddkit.ZScoreDetector()]), oddkit.IQRDetector()]).fit(X)
    again = pickle.loads(pickle.dumps(nested))
    np.testing.assert_array_equal(again.score_samples(X), nested.score_samples(X))


def test_bad_input(tmp_path):
    X, _ = sensor_data(5, 300)
    with pytest.raises(ValueError, match="weights"):
        oddkit.Ensemble(members(), combination="weighted_mean", weights=[1, 2]).fit(X)
    with pytest.raises(ValueError, match="weights"):
        oddkit.Ensemble(members(), combination="weighted_mean").fit(X)
    with pytest.raises(ValueError, match="weights"):
        oddkit.Ensemble(members(), weights=[1, 1, 1, 1]).fit(X)
    with pytest.raises(ValueError, match="weights"):
        oddkit.Ensemble(members(), combination="weighted_mean", weights=[1, -1, 1, 1]).fit(X)
    with pytest.raises(ValueError, match="n_buckets"):
        oddkit.Ensemble(members(), combination="average_of_maximum", n_buckets=5).fit(X)
    with pytest.raises(ValueError, match="detectors"):
        oddkit.Ensemble([]).fit(X)
    with pytest.raises(ValueError, match="normalization"):
        oddkit.Ensemble(members(), normalization="sigmoid").fit(X)
    with pytest.raises(ValueError, match="detectors"):
        oddkit.Ensemble([object()]).fit(X)
    bad = X.copy()
    bad[7, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        oddkit.Ensemble(members()).fit(bad)
    # members fitted on different feature counts
    two = oddkit.ZScoreDetector().fit(X[:, :2])
    four = oddkit.IQRDetector().fit(X)
    with pytest.raises(ValueError, match="detectors: member 1 .* expects 4 features"):
        _core.Ensemble([two._core.to_bytes(), four._core.to_bytes()])
    e = oddkit.Ensemble(members()[1:]).fit(X)
    with pytest.raises(ValueError, match="features"):
        e.score_samples(X[:, :3])
    # corrupted documents
    path = tmp_path / "e.json"
    e.save(path)
    text = path.read_text()
    path.write_text(text[:-40])
    with pytest.raises(ValueError, match="model document"):
        oddkit.Ensemble.load(path)
    path.write_text(text.replace('"combination":"mean"', '"combination":"median"'))
    with pytest.raises(ValueError, match="model document"):
        oddkit.Ensemble.load(path)
