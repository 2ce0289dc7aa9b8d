"""oddkit's RandomForestClassifier vs scikit-learn's (and LightGBM in random-forest mode when it
is installed) on the same data, same trees and same threads: fit and predict_proba times,
test accuracy and ROC AUC side by side."""

from __future__ import annotations

import os

import numpy as np
from pathlib import Path

from _common import DATA, best_time, table

TITLE = "Random forest classifier (oddkit vs scikit-learn vs LightGBM rf)"


def _datasets(quick):
    from sklearn.datasets import make_classification

    n = 20_000 if quick else 1_000_000
    # ODDKIT_RF_SYNTHETIC=0 leaves the synthetic sets out (to time more real data sets).
    if os.environ.get("ODDKIT_RF_SYNTHETIC", "1") != "0":
        X, y = make_classification(n_samples=n, n_features=20, n_informative=10, n_redundant=4,
                                   flip_y=0.05, random_state=0)
        yield f"synthetic {n:,} x 20", X, y, None
        # A tuned forest usually limits depth; trees at most 12 deep take oddkit's complete-tree walk.
        yield f"synthetic {n:,} x 20, max_depth=10", X, y, 10
    folder = DATA / "tabular"
    if not folder.is_dir():  # from a worktree DATA points one level too deep; try the shared copy
        folder = Path("/work/shared/data/tabular")
    if not folder.is_dir():
        return
    names = ["22_magic.gamma.npz", "6_cardio.npz"] if quick else sorted(p.name for p in folder.glob("*.npz"))
    # ODDKIT_RF_DATASETS="22_magic.gamma,6_cardio" limits the real data sets (scikit-learn takes
    # hours over all of them at full size on two cores); "none" keeps only the synthetic set.
    only = os.environ.get("ODDKIT_RF_DATASETS")
    if only is not None:
        wanted = {w.strip() for w in only.split(",") if w.strip()}
        names = [n for n in names if n.removesuffix(".npz") in wanted]
    for name in names:
        path = folder / name
        if not path.exists():
            continue
        with np.load(path, allow_pickle=False) as f:
            X, y = np.asarray(f["X"], dtype=np.float64), np.asarray(f["y"]).ravel()
        if len(np.unique(y)) != 2 or not np.all(np.isfinite(X)):
            continue
        if quick and X.shape[0] > 20_000:
            X, y = X[:20_000], y[:20_000]
        yield path.stem, X, y, None


def _models(n_trees, threads, d, max_depth=None):
    from sklearn.ensemble import RandomForestClassifier as SkForest

    import oddkit

    models = [
        ("oddkit", lambda: oddkit.RandomForestClassifier(n_estimators=n_trees, max_depth=max_depth, n_jobs=threads,
                                                         random_state=0)),
        ("scikit-learn", lambda: SkForest(n_estimators=n_trees, max_depth=max_depth, n_jobs=threads, random_state=0)),
    ]
    if max_depth is not None:  # the depth-limited row compares the two engines only
        return models
    try:
        import lightgbm

        models.append(("LightGBM rf", lambda: lightgbm.LGBMClassifier(
            boosting_type="rf", n_estimators=n_trees, num_leaves=255, max_depth=-1, min_child_samples=5,
            subsample=0.632, subsample_freq=1, colsample_bynode=max(1, int(np.sqrt(d))) / d,
            n_jobs=threads, random_state=0, verbose=-1)))
    except ImportError:
        pass
    return models


def run(quick: bool) -> str:
    from sklearn.metrics import accuracy_score, roc_auc_score

    threads = os.cpu_count() or 1
    n_trees = 20 if quick else 100
    rows = []
    for name, X, y, max_depth in _datasets(quick):
        split = int(0.8 * X.shape[0])
        rng = np.random.default_rng(0)
        order = rng.permutation(X.shape[0])
        X, y = X[order], y[order]
        Xtr, ytr, Xte, yte = X[:split], y[:split], X[split:], y[split:]
        results = {}
        for label, make in _models(n_trees, threads, X.shape[1], max_depth):
            # A fit under 1 s is repeated (fresh model each time) for 1 s and the best taken.
            fit_s, model = best_time(lambda: make().fit(Xtr, ytr), repeat=1, min_seconds=1.0, max_repeat=10)
            # Best of at least 3 runs and of 1 s of runs: a few-millisecond predict varies 2x here.
            pred_s, proba = best_time(lambda: model.predict_proba(Xte), min_seconds=1.0)
            pos = list(model.classes_).index(np.max(model.classes_))
            results[label] = (fit_s, pred_s, accuracy_score(yte, model.classes_[np.argmax(proba, axis=1)]),
                              roc_auc_score(yte == np.max(model.classes_), proba[:, pos]))
        ref = results["scikit-learn"]
        ours = results["oddkit"]
        for label, (fit_s, pred_s, acc, auc) in results.items():
            rows.append([name, label, fit_s, pred_s, ref[0] / fit_s, ref[1] / pred_s, acc, auc,
                         "yes" if abs(acc - ref[2]) <= 0.01 and abs(auc - ref[3]) <= 0.01 else "no"])
        del ours
    note = (f"{n_trees} trees, n_jobs={threads} for every library, 80/20 split; fit and predict_proba "
            "each the best of the runs made in 1 s (at least one fit and three predicts; a fit over 1 s "
            "is timed once). Ratios are "
            "scikit-learn time / that library's time (above 1 is faster than scikit-learn). "
            "'agrees' = accuracy and ROC AUC within 0.01 of scikit-learn's.\n\n")
    return note + table(["data", "library", "fit s", "predict s", "fit speed-up", "predict speed-up",
                         "accuracy", "ROC AUC", "agrees"], rows)
