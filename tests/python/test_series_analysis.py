"""describe and corr against pandas; acf, ccf, seasonal_decompose and adfuller against
statsmodels, on random inputs."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.tsa.seasonal import seasonal_decompose as sm_decompose
from statsmodels.tsa.stattools import acf as sm_acf
from statsmodels.tsa.stattools import adfuller as sm_adfuller
from statsmodels.tsa.stattools import ccf as sm_ccf

import oddkit


def frame(seed, n=30, d=3, nan=0.2):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, d))
    values[rng.random((n, d)) < nan] = np.nan
    values[:, -1] = np.round(values[:, -1])  # ties for Spearman
    return pd.DataFrame(values, columns=[f"c{j}" for j in range(d)],
                        index=pd.date_range("2024-01-01", periods=n, freq="h"))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), method=st.sampled_from(["pearson", "spearman"]),
       min_periods=st.integers(1, 25))
def test_corr_matches_pandas(seed, method, min_periods):
    df = frame(seed)
    pd.testing.assert_frame_equal(oddkit.corr(df, method=method, min_periods=min_periods),
                                  df.corr(method=method, min_periods=min_periods), rtol=1e-9, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_describe_matches_pandas(seed):
    df = frame(seed)
    df.iloc[0, 0] = 0.0
    ours = oddkit.describe(df)
    pd.testing.assert_frame_equal(ours.iloc[:8], df.describe(), rtol=1e-12)
    assert list(ours.loc["zeros"]) == [float((df[c] == 0).sum()) for c in df]
    arr = oddkit.describe(df.to_numpy())
    assert isinstance(arr, np.ndarray) and arr.shape == (9, 3)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), adjusted=st.booleans())
def test_acf_and_ccf_match_statsmodels(seed, adjusted):
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(size=80))
    y = rng.normal(size=80) + 0.5 * np.roll(x, 3)
    np.testing.assert_allclose(oddkit.acf(x, adjusted=adjusted), sm_acf(x, adjusted=adjusted), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(oddkit.acf(x, nlags=20), sm_acf(x, nlags=20), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(oddkit.ccf(x, y, adjusted=adjusted, nlags=15),
                               sm_ccf(x, y, adjusted=adjusted, nlags=15), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(oddkit.ccf(x, y), sm_ccf(x, y), rtol=1e-7, atol=1e-10)


def test_cross_correlation_finds_the_delay():
    rng = np.random.default_rng(3)
    y = rng.normal(size=300)
    x = np.roll(y, 4)  # x follows y by 4 rows
    r = oddkit.cross_correlation(x, y, 10)
    assert r.best_lag == 4 and r.best_value > 0.9
    assert list(r.lags) == list(range(-10, 11))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), period=st.integers(2, 12), model=st.sampled_from(["additive", "multiplicative"]))
def test_seasonal_decompose_matches_statsmodels(seed, period, model):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2 * period, 6 * period + 1))
    t = np.arange(n)
    x = 10 + 0.05 * t + np.sin(2 * np.pi * t / period) + rng.random(n)
    ours = oddkit.seasonal_decompose(x, model=model, period=period)
    theirs = sm_decompose(x, model=model, period=period)
    for part in ["observed", "trend", "seasonal", "resid"]:
        np.testing.assert_allclose(getattr(ours, part), getattr(theirs, part), rtol=1e-9, atol=1e-12)


def test_seasonal_decompose_pandas_in_pandas_out_and_errors():
    idx = pd.date_range("2024-01-01", periods=48, freq="h")
    s = pd.Series(np.sin(np.arange(48) / 3.0) + 2, index=idx, name="temp")
    r = oddkit.seasonal_decompose(s, period=24)
    assert isinstance(r.trend, pd.Series) and r.trend.index.equals(idx) and r.trend.name == "trend"
    with pytest.raises(ValueError, match="period"):
        oddkit.seasonal_decompose(s, period=1)
    with pytest.raises(ValueError, match="2 complete cycles"):
        oddkit.seasonal_decompose(s, period=25)
    with pytest.raises(ValueError, match="positive"):
        oddkit.seasonal_decompose(s - 5, model="multiplicative", period=12)
    with pytest.raises(ValueError, match="NaN"):
        oddkit.seasonal_decompose(s.where(s > 1.5), period=12)
    with pytest.raises(ValueError, match="period"):
        oddkit.seasonal_decompose(s)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), regression=st.sampled_from(["c", "ct", "n"]),
       autolag=st.sampled_from(["AIC", "BIC", None]), n=st.integers(20, 200))
def test_adfuller_matches_statsmodels(seed, regression, autolag, n):
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(size=n)) * rng.choice([0.1, 1.0]) + rng.normal(size=n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = sm_adfuller(x, regression=regression, autolag=autolag)
    ours = oddkit.adfuller(x, regression=regression, autolag=autolag)
    assert len(ours) == len(theirs)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-7)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6, atol=1e-12)
    assert ours[2:4] == theirs[2:4]
    for level in ["1%", "5%", "10%"]:
        np.testing.assert_allclose(ours[4][level], theirs[4][level], rtol=1e-12)
    if autolag and n >= 50:
        # Below ~50 rows the longest-lag regressions are nearly singular (about as many
        # regressors as rows), their residuals are rounding noise and log(RSS) differs between
        # any two least-squares solvers; the lag chosen (checked above) still agrees.
        np.testing.assert_allclose(ours[5], theirs[5], rtol=1e-9)


def test_adfuller_bad_input():
    x = np.cumsum(np.random.default_rng(0).normal(size=50))
    with pytest.raises(ValueError, match="maxlag"):
        oddkit.adfuller(x, maxlag=40)
    with pytest.raises(ValueError, match="constant"):
        oddkit.adfuller(np.ones(30))
    with pytest.raises(ValueError, match="regression"):
        oddkit.adfuller(x, regression="ctt")
    with pytest.raises(ValueError, match="autolag"):
        oddkit.adfuller(x, autolag="t-stat")
    with pytest.raises(ValueError, match="NaN"):
        oddkit.adfuller(np.r_[x, np.nan])
    with pytest.raises(ValueError, match="method"):
        oddkit.corr(frame(0), method="kendall")
    with pytest.raises(ValueError, match="nlags"):
        oddkit.acf(x, nlags=50)
    with pytest.raises(ValueError, match="y"):
        oddkit.ccf(x, x[:10])
