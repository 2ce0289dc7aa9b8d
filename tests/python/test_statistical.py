"""Statistical detectors against direct NumPy / SciPy / scikit-learn computations."""

import pickle

import numpy as np
import pytest
from scipy import stats
from sklearn.covariance import EllipticEnvelope, EmpiricalCovariance, MinCovDet
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import check_estimator

import oddkit
from oddkit import _core

# Rosner (1983), as reproduced in the NIST/SEMATECH e-Handbook, section 1.3.5.17.3.
ROSNER = np.array([
    -0.25, 0.68, 0.94, 1.15, 1.20, 1.26, 1.26, 1.34, 1.38, 1.43, 1.49, 1.49, 1.55, 1.56,
    1.58, 1.65, 1.69, 1.70, 1.76, 1.77, 1.81, 1.91, 1.94, 1.96, 1.99, 2.06, 2.09, 2.10,
    2.14, 2.15, 2.23, 2.24, 2.26, 2.35, 2.37, 2.40, 2.47, 2.54, 2.62, 2.64, 2.90, 2.92,
    2.92, 2.93, 3.21, 3.26, 3.30, 3.59, 3.68, 4.30, 4.64, 5.34, 5.42, 6.01,
])
ROSNER_R = [3.118, 2.942, 3.179, 2.810, 2.815, 2.848, 2.279, 2.310, 2.101, 2.067]
ROSNER_LAMBDA = [3.158, 3.151, 3.143, 3.136, 3.128, 3.120, 3.111, 3.103, 3.094, 3.085]

ALL = [
    oddkit.ZScoreDetector,
    oddkit.RobustZScoreDetector,
    oddkit.IQRDetector,
    oddkit.GeneralizedESD,
    oddkit.EWMADetector,
    oddkit.CUSUMDetector,
    oddkit.SeasonalDetector,
    oddkit.MahalanobisDetector,
]


def sample(n=300, d=3, seed=0):
    return np.random.default_rng(seed).normal(size=(n, d))


def combine(per_column, how):
    return per_column.max(axis=1) if how == "max" else per_column.mean(axis=1)


def test_distributions_match_scipy():
    rng = np.random.default_rng(1)
    for p, df in zip(rng.uniform(1e-6, 1 - 1e-6, 40), rng.uniform(0.5, 300, 40)):
        assert _core.student_t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-10, abs=1e-12)
        assert _core.chi2_quantile(p, df) == pytest.approx(stats.chi2.ppf(p, df), rel=1e-10)
        t = stats.t.ppf(p, df)
        assert _core.student_t_cdf(t, df) == pytest.approx(p, rel=1e-10)


def esd_reference(x, r, alpha):
    """Rosner's procedure written directly with NumPy and scipy.stats.t."""
    x = list(x)
    n = len(x)
    R, lam = [], []
    for i in range(1, r + 1):
        a = np.asarray(x)
        dev = np.abs(a - a.mean())
        R.append(dev.max() / a.std(ddof=1))
        x.pop(int(dev.argmax()))
        p = 1 - alpha / (2 * (n - i + 1))
        t = stats.t.ppf(p, n - i - 1)
        lam.append((n - i) * t / np.sqrt((n - i - 1 + t * t) * (n - i + 1)))
    k = max([i + 1 for i in range(r) if R[i] > lam[i]], default=0)
    return np.array(R), np.array(lam), k


def test_generalized_esd_reproduces_rosner_and_scipy():
    result = _core.generalized_esd(ROSNER.tolist(), 10, 0.05)
    # The handbook's table truncates to three decimals.
    assert np.floor(np.array(result["statistics"]) * 1000) / 1000 == pytest.approx(ROSNER_R)
    assert np.floor(np.array(result["critical_values"]) * 1000) / 1000 == pytest.approx(ROSNER_LAMBDA)
    assert result["n_outliers"] == 3
    R, lam, k = esd_reference(ROSNER, 10, 0.05)
    assert result["statistics"] == pytest.approx(R, rel=1e-12)
    assert result["critical_values"] == pytest.approx(lam, rel=1e-10)
    x = sample(200, 1, 5).ravel()
    x[[3, 50, 120]] += [7, -6, 5]
    result = _core.generalized_esd(x.tolist(), 6, 0.01)
    R, lam, k = esd_reference(x, 6, 0.01)
    assert result["statistics"] == pytest.approx(R, rel=1e-12)
    assert result["n_outliers"] == k == 3

    esd = oddkit.GeneralizedESD().fit(ROSNER.reshape(-1, 1))
    assert esd.n_outliers_.tolist() == [3]
    assert np.flatnonzero(esd.predict(ROSNER.reshape(-1, 1)) == -1).tolist() == [51, 52, 53]
    kept = ROSNER[:51]
    assert esd.mean_[0] == pytest.approx(kept.mean())
    assert esd.scale_[0] == pytest.approx(kept.std(ddof=1))


@pytest.mark.parametrize("how", ["max", "mean"])
def test_location_scale_detectors_match_numpy(how):
    X = sample(301, 3, 2) * [1, 5, 0.1] + [0, 10, -3]
    Y = sample(50, 3, 3) * 4
    z = oddkit.ZScoreDetector(combine=how).fit(X)
    ref = np.abs(Y - X.mean(0)) / X.std(0)
    np.testing.assert_allclose(z.anomaly_score(Y), combine(ref, how), rtol=1e-12)
    np.testing.assert_allclose(z.score_samples(Y), -combine(ref, how), rtol=1e-12)

    r = oddkit.RobustZScoreDetector(combine=how).fit(X)
    med = np.median(X, axis=0)
    mad = stats.median_abs_deviation(X, axis=0, scale=1 / 1.4826)
    np.testing.assert_allclose(r.anomaly_score(Y), combine(np.abs(Y - med) / mad, how), rtol=1e-12)

    q = oddkit.IQRDetector(combine=how, k=2.0).fit(X)
    q1, q3 = np.percentile(X, [25, 75], axis=0)
    ref = np.maximum(q1 - Y, Y - q3) / (q3 - q1)
    np.testing.assert_allclose(q.anomaly_score(Y), combine(ref, how), rtol=1e-12)
    # Tukey's fences, directly
    outside = ((Y < q1 - 2 * (q3 - q1)) | (Y > q3 + 2 * (q3 - q1))).any(axis=1)
    if how == "max":
        np.testing.assert_array_equal(q.predict(Y) == -1, outside)


def test_sequence_detectors_match_direct_recursions():
    X = sample(200, 2, 4)
    Y = sample(80, 2, 5) + [0.8, 0]
    mu, sd = X.mean(0), X.std(0)
    lam, L = 0.3, 2.5
    e = oddkit.EWMADetector(lam=lam, L=L).fit(X)
    z = mu.copy()
    ref = []
    for t, y in enumerate(Y, start=1):
        z = lam * y + (1 - lam) * z
        sigma_t = sd * np.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * t)))
        ref.append(np.abs(z - mu) / sigma_t)
    np.testing.assert_allclose(e.anomaly_score(Y), np.max(ref, axis=1), rtol=1e-10)
    assert e.offset_ == -L

    c = oddkit.CUSUMDetector(k=0.25, h=4.0, combine="mean").fit(X)
    hi = np.zeros(2)
    lo = np.zeros(2)
    ref = []
    for y in (Y - mu) / sd:
        hi = np.maximum(0, hi + y - 0.25)
        lo = np.maximum(0, lo - y - 0.25)
        ref.append(np.maximum(hi, lo))
    np.testing.assert_allclose(c.anomaly_score(Y), np.mean(ref, axis=1), rtol=1e-10)


def test_seasonal_decomposition_matches_statsmodels():
    seasonal = pytest.importorskip("statsmodels.tsa.seasonal")
    rng = np.random.default_rng(6)
    for period in (7, 12):
        n = period * 9 + 3
        i = np.arange(n)
        x = 5 * np.sin(2 * np.pi * i / period) + 0.02 * i + rng.normal(0, 0.3, n)
        trend, seas, resid = _core.seasonal_decompose(x.tolist(), period)
        ref = seasonal.seasonal_decompose(x, model="additive", period=period)
        np.testing.assert_allclose(trend, ref.trend, rtol=1e-12, equal_nan=True)
        np.testing.assert_allclose(seas, ref.seasonal, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(resid, ref.resid, rtol=1e-9, atol=1e-12, equal_nan=True)
        det = oddkit.SeasonalDetector(period=period).fit(x.reshape(-1, 1))
        np.testing.assert_allclose(det.seasonal_[:, 0], ref.seasonal[:period], rtol=1e-10, atol=1e-12)
        r = ref.resid[~np.isnan(ref.resid)]
        assert det.residual_median_[0] == pytest.approx(np.median(r))
        assert det.residual_scale_[0] == pytest.approx(1.4826 * np.median(np.abs(r - np.median(r))))


def test_seasonal_detector_finds_a_spike_the_season_hides():
    period = 24
    i = np.arange(period * 30)
    rng = np.random.default_rng(7)
    x = 10 * np.sin(2 * np.pi * i / period) + rng.normal(0, 0.2, i.size)
    x[400] += 2.5
    X = x.reshape(-1, 1)
    s = oddkit.SeasonalDetector(period=period).fit(X)
    assert np.argmax(s.anomaly_score(X)) == 400
    assert s.predict(X)[400] == -1
    assert oddkit.ZScoreDetector().fit(X).predict(X)[400] == 1


def test_mahalanobis_matches_sklearn():
    rng = np.random.default_rng(8)
    X = rng.multivariate_normal([1, -2, 0], [[2, 0.8, 0.2], [0.8, 1, 0.1], [0.2, 0.1, 0.5]], size=400)
    X[:30] = rng.normal([6, 4, -3], 0.3, size=(30, 3))  # a cluster that masks itself
    plain = oddkit.MahalanobisDetector().fit(X)
    ref = EmpiricalCovariance().fit(X)
    np.testing.assert_allclose(plain.location_, ref.location_, rtol=1e-12)
    np.testing.assert_allclose(plain.covariance_, ref.covariance_, rtol=1e-10)
    np.testing.assert_allclose(plain.anomaly_score(X), ref.mahalanobis(X), rtol=1e-9)

    robust = oddkit.MahalanobisDetector(robust=True, contamination=0.1, random_state=0).fit(X)
    mcd = MinCovDet(random_state=0).fit(X)
    # Both searches reach the same optimal support here, so the estimates agree to rounding.
    np.testing.assert_allclose(robust.location_, mcd.location_, rtol=1e-8)
    np.testing.assert_allclose(robust.covariance_, mcd.covariance_, rtol=1e-8)
    assert robust.support_size_ == mcd.support_.sum()
    env = EllipticEnvelope(contamination=0.1, random_state=0).fit(X)
    np.testing.assert_allclose(robust.score_samples(X), env.score_samples(X), rtol=1e-8)
    assert robust.offset_ == pytest.approx(env.offset_, rel=1e-8)
    np.testing.assert_array_equal(robust.predict(X), env.predict(X))
    # 'auto': the chi-square 97.5% cut
    auto = oddkit.MahalanobisDetector(robust=True).fit(X)
    assert auto.offset_ == pytest.approx(-stats.chi2.ppf(0.975, 3), rel=1e-12)
    # One feature: the exact univariate MCD
    x1 = X[:, :1]
    np.testing.assert_allclose(
        oddkit.MahalanobisDetector(robust=True).fit(x1).covariance_, MinCovDet(random_state=0).fit(x1).covariance_,
        rtol=1e-10,
    )


def test_mahalanobis_same_seed_same_model():
    X = sample(2500, 4, 9)
    X[:100] += 5
    a = oddkit.MahalanobisDetector(robust=True, random_state=11).fit(X)
    b = oddkit.MahalanobisDetector(robust=True, random_state=11).fit(X)
    assert a._core.to_bytes() == b._core.to_bytes()


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_check_estimator(cls):
    # A contamination rate, because check_outliers_fit_predict wants both labels on clean
    # blobs, where the 'auto' statistical limits (|z| > 3, ...) rightly flag nothing. period 2
    # keeps scikit-learn's small test sets longer than two seasons.
    extra = {"period": 2} if cls is oddkit.SeasonalDetector else {}
    if cls is oddkit.GeneralizedESD:
        extra = {"max_anomalies": 1}
    # The sequence detectors read rows as a time series: scoring a subset, or the rows in
    # another order, is a different series by design.
    expected = {}
    if cls in (oddkit.EWMADetector, oddkit.CUSUMDetector, oddkit.SeasonalDetector):
        reason = "rows are a time series: a row's score depends on the rows before it"
        expected = {
            "check_methods_sample_order_invariance": reason,
            "check_methods_subset_invariance": reason,
        }
    check_estimator(cls(contamination=0.1, **extra), expected_failed_checks=expected)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_round_trips(cls, tmp_path):
    X = sample(120, 2, 10)
    est = cls(contamination=0.1).fit(X)
    expected = est.score_samples(X)
    clone = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(clone.score_samples(X), expected)
    assert clone.offset_ == est.offset_
    for name in ("m.json", "m.cbor", "m.msgpack"):
        est.save(tmp_path / name)
        for loaded in (cls.load(tmp_path / name), oddkit.load_detector(tmp_path / name)):
            assert type(loaded) is cls
            params = est.get_params()
            if "random_state" in params:  # None was resolved to the seed actually used
                params["random_state"] = loaded.random_state
            assert loaded.get_params() == params
            np.testing.assert_array_equal(loaded.score_samples(X), expected)
            np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_bad_input(cls, tmp_path):
    X = sample(60, 2, 11)
    est = cls()
    with pytest.raises(NotFittedError):
        est.score_samples(X)
    with pytest.raises(NotFittedError):
        est.save(tmp_path / "x.json")
    bad = X.copy()
    bad[4, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cls().fit(bad)
    bad[4, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        cls().fit(bad)
    with pytest.raises(ValueError):
        cls().fit(np.empty((0, 2)))
    with pytest.raises(ValueError, match="contamination"):
        cls(contamination=0.7).fit(X)
    with pytest.raises(ValueError, match="contamination"):
        cls(contamination="sometimes").fit(X)
    est.fit(X)
    with pytest.raises(ValueError, match="features"):
        est.score_samples(X[:, :1])
    with pytest.raises(ValueError):
        est.score_samples(X[0])  # 1-D
    with pytest.raises(ValueError, match="NaN"):
        est.score_samples(bad.clip(-1, 1) * np.where(np.arange(2) == 0, np.nan, 1))
    # corrupted model files
    path = tmp_path / "m.json"
    est.save(path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(ValueError, match="model document"):
        cls.load(path)
    path.write_text(text.replace('"offset":', '"offset":1e3,"x":'))
    with pytest.raises(ValueError):
        cls.load(path)
    with pytest.raises(FileNotFoundError):
        cls.load(tmp_path / "missing.json")


def test_parameter_errors_name_the_parameter():
    X = sample(60, 1, 12)
    cases = [
        (oddkit.IQRDetector(k=-1), "k"),
        (oddkit.GeneralizedESD(alpha=1.5), "alpha"),
        (oddkit.GeneralizedESD(max_anomalies=0), "max_anomalies"),
        (oddkit.EWMADetector(lam=0), "lam"),
        (oddkit.EWMADetector(L=0), "L"),
        (oddkit.CUSUMDetector(h=-1), "h"),
        (oddkit.SeasonalDetector(period=1), "period"),
        (oddkit.MahalanobisDetector(support_fraction=2.0), "support_fraction"),
        (oddkit.ZScoreDetector(combine="median"), "combine"),
    ]
    for est, name in cases:
        with pytest.raises(ValueError, match=name):
            est.fit(X)
    with pytest.raises(ValueError, match="two periods"):
        oddkit.SeasonalDetector(period=24).fit(sample(47, 1, 1))
    with pytest.raises(ValueError, match="at least 13"):
        oddkit.GeneralizedESD(max_anomalies=10).fit(sample(12, 1, 1))
