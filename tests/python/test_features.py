"""FeatureBuilder against pandas-computed features; scalers against scikit-learn, with
check_estimator, NaN pass-through, pickling and model files."""

import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn.preprocessing as skp
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import check_estimator

import oddkit


def frame(n=100, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.DatetimeIndex(pd.to_datetime("2024-03-08 20:00") + pd.to_timedelta(np.cumsum(rng.integers(1, 40, n)), unit="min"))
    df = pd.DataFrame({"temp": rng.normal(20, 3, n), "power": rng.normal(5, 1, n), "flow": rng.integers(0, 3, n).astype(float)},
                      index=idx)
    df.iloc[7, 0] = np.nan
    return df


def test_feature_builder_matches_pandas(tmp_path):
    df = frame()
    fb = (oddkit.FeatureBuilder().calendar().lag("temp", [1, 3]).rolling("temp", "1h", ["mean", "std", "max"])
          .rolling("power", "4", ["median"]).diff("temp").product("temp", "power").ratio("power", "flow"))
    out = fb.transform(df)
    assert list(out.columns) == fb.feature_names and out.index.equals(df.index)
    idx = df.index
    expected = {
        "hour": idx.hour, "day_of_week": idx.day_of_week, "is_weekend": (idx.day_of_week >= 5).astype(float),
        "month": idx.month, "day_of_year": idx.day_of_year,
        "hour_sin": np.sin(2 * np.pi * (idx.hour + idx.minute / 60 + idx.second / 3600) / 24),
        "day_of_week_cos": np.cos(2 * np.pi * idx.day_of_week / 7),
        "temp_lag_3": df.temp.shift(3), "temp_rolling_1h_mean": df.temp.rolling("1h").mean(),
        "temp_rolling_1h_std": df.temp.rolling("1h").std(), "temp_rolling_1h_max": df.temp.rolling("1h").max(),
        "power_rolling_4_median": df.power.rolling(4).median(), "temp_diff_1": df.temp.diff(),
        "temp_times_power": df.temp * df.power,
        "power_per_flow": (df.power / df.flow).replace([np.inf, -np.inf], np.nan),
    }
    for name, want in expected.items():
        np.testing.assert_allclose(out[name].to_numpy(), np.asarray(want, dtype=float), rtol=1e-9, atol=1e-12,
                                   err_msg=name)
    # NumPy path, pickle and document round trips give identical features
    arr = fb.transform(df.to_numpy(), times=df.index.to_numpy(), columns=list(df.columns))
    np.testing.assert_array_equal(arr, out.to_numpy())
    again = pickle.loads(pickle.dumps(fb))
    np.testing.assert_array_equal(again.transform(df).to_numpy(), out.to_numpy())
    fb.save(tmp_path / "features.json")
    loaded = oddkit.FeatureBuilder.load(tmp_path / "features.json")
    assert loaded.feature_names == fb.feature_names
    np.testing.assert_array_equal(loaded.transform(df).to_numpy(), out.to_numpy())


def test_feature_builder_bad_input(tmp_path):
    df = frame()
    fb = oddkit.FeatureBuilder().rolling("temp", "1h", ["mean"])
    with pytest.raises(ValueError, match="stats"):
        oddkit.FeatureBuilder().rolling("temp", "1h", ["mode"])
    with pytest.raises(ValueError, match="window"):
        oddkit.FeatureBuilder().rolling("temp", "1 parsec", ["mean"])
    with pytest.raises(ValueError, match="fields"):
        oddkit.FeatureBuilder().calendar(["season"])
    with pytest.raises(ValueError, match="'temp'"):
        fb.transform(df.rename(columns={"temp": "t"}))
    with pytest.raises(ValueError, match="times"):
        fb.transform(df.iloc[::-1])
    with pytest.raises(ValueError, match="columns"):
        fb.transform(df.to_numpy(), times=df.index.to_numpy())
    (tmp_path / "bad.json").write_text('{"format": "oddkit-model"}')
    with pytest.raises(ValueError):
        oddkit.FeatureBuilder.load(tmp_path / "bad.json")
    with pytest.raises(FileNotFoundError):
        oddkit.FeatureBuilder.load(tmp_path / "missing.json")


PAIRS = [
    (oddkit.StandardScaler, skp.StandardScaler, {}),
    (oddkit.StandardScaler, skp.StandardScaler, {"with_mean": False}),
    (oddkit.RobustScaler, skp.RobustScaler, {}),
    (oddkit.RobustScaler, skp.RobustScaler, {"quantile_range": (10.0, 90.0)}),
    (oddkit.MinMaxScaler, skp.MinMaxScaler, {}),
    (oddkit.MinMaxScaler, skp.MinMaxScaler, {"feature_range": (-2, 3)}),
]


@pytest.mark.parametrize("ours,theirs,params", PAIRS)
def test_scalers_match_sklearn(ours, theirs, params, tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 4)) * [1, 100, 1e-3, 0]
    X[rng.random(X.shape) < 0.1] = np.nan
    a, b = ours(**params).fit(X), theirs(**params).fit(X)
    np.testing.assert_allclose(a.transform(X), b.transform(X), rtol=1e-12, atol=1e-12, equal_nan=True)
    np.testing.assert_allclose(a.inverse_transform(a.transform(X)), X, rtol=1e-9, atol=1e-9, equal_nan=True)
    for attr in ["mean_", "var_", "scale_", "center_", "data_min_", "data_max_", "min_"]:
        if hasattr(b, attr) and getattr(b, attr) is not None:
            np.testing.assert_allclose(getattr(a, attr), getattr(b, attr), rtol=1e-12, err_msg=attr)
    c = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(c.transform(X), a.transform(X))
    a.save(tmp_path / "s.cbor")
    np.testing.assert_array_equal(ours.load(tmp_path / "s.cbor").transform(X), a.transform(X))


@pytest.mark.parametrize("Est", [oddkit.StandardScaler, oddkit.RobustScaler, oddkit.MinMaxScaler])
def test_scalers_pass_check_estimator(Est):
    check_estimator(Est())


def test_scaler_errors():
    with pytest.raises(NotFittedError):
        oddkit.StandardScaler().transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="features"):
        oddkit.StandardScaler().fit(np.ones((3, 2))).transform(np.ones((3, 3)))
    with pytest.raises(ValueError, match="[Ii]nfinity"):
        oddkit.MinMaxScaler().fit(np.array([[1.0], [np.inf]]))
    with pytest.raises(ValueError, match="feature_range"):
        oddkit.MinMaxScaler(feature_range=(1, 0)).fit(np.ones((2, 1)))
    with pytest.raises(ValueError, match="quantile_range"):
        oddkit.RobustScaler(quantile_range=(80, 20)).fit(np.ones((2, 1)))
