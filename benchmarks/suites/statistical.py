"""Scoring throughput of the z-score, robust z (MAD) and IQR detectors against NumPy doing the
same arithmetic on the same array (fitted statistics taken from the oddkit model, so both
sides compute exactly the same scores and the suite checks they agree)."""

from __future__ import annotations

import numpy as np

from _common import best_time, table

import oddkit

TITLE = "Statistical detectors: scoring throughput"


def _numpy_scores(name, model, X):
    if name == "ZScoreDetector":
        return (np.abs(X - model.mean_) / model.scale_).max(axis=1)
    if name == "RobustZScoreDetector":
        return (np.abs(X - model.median_) / model.scale_).max(axis=1)
    return (np.maximum(model.q1_ - X, X - model.q3_) / model.iqr_).max(axis=1)


def run(quick: bool) -> str:
    n_values = 200_000 if quick else 10_000_000
    rows = []
    for d in (1, 4):
        X = np.random.default_rng(0).normal(size=(n_values // d, d))
        gigabytes = X.nbytes / 1e9
        for cls in (oddkit.ZScoreDetector, oddkit.RobustZScoreDetector, oddkit.IQRDetector):
            model = cls().fit(X[:100_000])
            model.anomaly_score(X)  # warm-up: first-touch page faults of the output buffers
            _numpy_scores(cls.__name__, model, X)
            t_oddkit, ours = best_time(lambda: model.anomaly_score(X), repeat=5)
            t_numpy, theirs = best_time(lambda: _numpy_scores(cls.__name__, model, X), repeat=5)
            agree = np.allclose(ours, theirs, rtol=1e-12, atol=1e-12)
            rows.append([
                cls.__name__, f"{X.shape[0]} x {d}", gigabytes / t_oddkit, gigabytes / t_numpy,
                t_numpy / t_oddkit, "yes" if agree else "NO",
            ])
    header = ["detector", "X", "oddkit GB/s", "NumPy GB/s", "ratio (NumPy time / oddkit time)", "same scores"]
    note = (f"\n\n{n_values:,} float64 values scored per row (max over columns); GB/s counts the "
            "input bytes read. One thread on both sides.")
    return table(header, rows) + note
