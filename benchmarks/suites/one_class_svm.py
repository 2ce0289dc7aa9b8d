"""oddkit.OneClassSVM beside scikit-learn's OneClassSVM (libsvm) on the same data."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM as SkOneClassSVM

from _common import DATA, best_time, table

import oddkit

TITLE = "One-Class SVM (oddkit.OneClassSVM vs sklearn.svm.OneClassSVM)"

DATASETS_QUICK = ["38_thyroid", "6_cardio", "42_WBC"]
DATASETS_FULL = DATASETS_QUICK + ["31_satimage-2", "28_pendigits", "2_annthyroid", "23_mammography"]


def _data_dir() -> Path:
    # DATA is right for a checkout at /work/main; a worktree elsewhere falls back to /work/shared.
    for candidate in (DATA / "tabular", Path("/work/shared/data/tabular")):
        if candidate.is_dir():
            return candidate
    return DATA / "tabular"


def _planted(n, d, seed, outlier_share=0.02):
    rng = np.random.default_rng(seed)
    k = int(n * outlier_share)
    X = np.vstack([rng.standard_normal((n - k, d)), rng.uniform(-6, 6, (k, d))])
    y = np.r_[np.zeros(n - k), np.ones(k)]
    return X, y


def _agreement(ours, ref, X):
    scale = np.abs(ref.score_samples(X)).max()
    diff = np.abs(ours.decision_function(X) - ref.decision_function(X)).max() / scale
    return diff


def _fit_section(quick):
    n = 2_000 if quick else 20_000
    X, _ = _planted(n, 16, 0)
    t_sk, ref = best_time(lambda: SkOneClassSVM(nu=0.1).fit(X), repeat=1)
    rows, models = [], {}
    for jobs in (1, -1):
        t_ok, ours = best_time(lambda: oddkit.OneClassSVM(nu=0.1, n_jobs=jobs).fit(X), repeat=1)
        models[jobs] = ours
        diff = _agreement(ours, ref, X)
        rows.append([f"fit {n} x 16, rbf, nu=0.1, n_jobs={jobs}", t_sk, t_ok, t_sk / t_ok,
                     f"{int(ours.n_support_[0])} / {int(ref.n_support_[0])}", f"{diff:.1e}",
                     "yes" if diff < 1e-3 else "NO"])
    return rows, models, ref


def _score_section(quick, models, ref):
    n = 50_000 if quick else 1_000_000
    X, _ = _planted(n, 16, 1)
    t_sk, d_ref = best_time(lambda: ref.decision_function(X), repeat=1)
    scale = float(np.abs(ref.offset_[0] if np.ndim(ref.offset_) else ref.offset_) + np.abs(d_ref).max())
    rows = []
    for jobs, ours in models.items():
        t_ok, d_ours = best_time(lambda: ours.decision_function(X), repeat=1)
        diff = np.abs(d_ours - d_ref).max() / scale
        rows.append([f"decision_function {n} rows x {len(ours.support_)} SVs, n_jobs={jobs}", t_sk, t_ok,
                     t_sk / t_ok, "", f"{diff:.1e}", "yes" if diff < 1e-3 else "NO"])
    return rows


def _nystroem_section(quick):
    n = 100_000 if quick else 1_000_000
    X, y = _planted(n, 16, 2)
    start = time.perf_counter()
    model = oddkit.OneClassSVM(nu=0.1, method="nystroem", n_components=300, random_state=0, n_jobs=-1).fit(X)
    t_fit = time.perf_counter() - start
    auc = roc_auc_score(y, model.anomaly_score(X))
    return [[f"nystroem fit {n} x 16 (300 components, n_jobs=-1)", "", t_fit, "", "",
             f"AUC {auc:.3f}, {int(model.n_iter_[0])} FW steps", "target < 60 s" if t_fit < 60 else "SLOW"]]


def _auc_section(quick):
    rows = []
    base = _data_dir()
    for name in DATASETS_QUICK if quick else DATASETS_FULL:
        path = base / f"{name}.npz"
        if not path.exists():
            rows.append([name, "absent", "", "", "", "", ""])
            continue
        data = np.load(path)
        X = StandardScaler().fit_transform(np.asarray(data["X"], dtype=np.float64))
        y = np.asarray(data["y"]).ravel()
        t_sk, ref = best_time(lambda: SkOneClassSVM(nu=0.1).fit(X), repeat=1)
        t_ok, ours = best_time(lambda: oddkit.OneClassSVM(nu=0.1).fit(X), repeat=1)
        ny = oddkit.OneClassSVM(nu=0.1, method="nystroem", n_components=min(300, len(X)), random_state=0).fit(X)
        auc_ref = roc_auc_score(y, -ref.decision_function(X))
        auc_ok = roc_auc_score(y, ours.anomaly_score(X))
        auc_ny = roc_auc_score(y, ny.anomaly_score(X))
        rows.append([f"{name} {X.shape[0]} x {X.shape[1]}", t_sk, t_ok, t_sk / t_ok,
                     f"{auc_ref:.3f} / {auc_ok:.3f} / {auc_ny:.3f}", f"{_agreement(ours, ref, X):.1e}",
                     "yes" if abs(auc_ref - auc_ok) < 0.005 else "NO"])
    return rows


def run(quick: bool) -> str:
    header = ["case", "sklearn s", "oddkit s", "ratio", "SVs or AUC", "max |diff| / scale", "agree"]
    fit_rows, models, ref = _fit_section(quick)
    rows = fit_rows + _score_section(quick, models, ref) + _nystroem_section(quick)
    out = table(header, rows)
    auc_header = ["dataset (standardised, nu=0.1)", "sklearn fit s", "oddkit fit s", "ratio",
                  "ROC AUC sklearn / exact / nystroem", "max |diff| / scale", "AUC agrees"]
    out += "\n\n" + table(auc_header, _auc_section(quick))
    out += ("\n\nratio = sklearn time / oddkit time. Agreement: max |decision_function difference| "
            "divided by max |score_samples| (scikit-learn's), checked < 1e-3.")
    return out
