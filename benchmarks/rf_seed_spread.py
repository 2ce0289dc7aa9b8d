"""Test accuracy and ROC AUC of oddkit's RandomForestClassifier vs scikit-learn's over many
splits and seeds, on the real data sets where one 80/20 split of the random_forest suite put
them more than 0.01 apart (docs/benchmarks.md, notes on the random forest table).

Usage: python benchmarks/rf_seed_spread.py [n_seeds] [data set ...]
Seed s draws the split (train_test_split random_state s) and seeds both forests (100 trees,
n_jobs=2). Prints each library's mean and the mean paired difference (oddkit - scikit-learn)
with its standard error; a split whose test rows hold one class has no AUC and is left out of
the AUC columns. Needs ../shared/data/tabular (or ODDKIT_SHARED_DATA)."""
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.ensemble import RandomForestClassifier as SkForest
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

import oddkit

sys.path.insert(0, str(Path(__file__).resolve().parent / "suites"))
from _common import DATA  # $ODDKIT_SHARED_DATA, else ../shared/data, as the suites read it

DEFAULT_SETS = ["14_glass", "15_Hepatitis", "17_InternetAds", "19_landsat", "29_Pima", "39_vertebral", "46_WPBC",
                "47_yeast"]


def scores(model, X_test, y_test):
    p = model.predict_proba(X_test)[:, 1]
    auc = roc_auc_score(y_test, p) if len(np.unique(y_test)) == 2 else np.nan
    return accuracy_score(y_test, model.predict(X_test)), auc


def main() -> None:
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    names = sys.argv[2:] or DEFAULT_SETS
    se = lambda v: v.std(ddof=1) / np.sqrt(len(v))
    for name in names:
        with np.load(DATA / "tabular" / f"{name}.npz", allow_pickle=False) as f:
            X, y = np.asarray(f["X"], dtype=np.float64), np.asarray(f["y"]).ravel()
        ours, theirs = [], []
        for seed in range(n_seeds):
            X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=seed)
            for out, cls in ((ours, oddkit.RandomForestClassifier), (theirs, SkForest)):
                model = cls(n_estimators=100, n_jobs=2, random_state=seed).fit(X_train, y_train)
                out.append(scores(model, X_test, y_test))
        o, s = np.array(ours), np.array(theirs)
        d = o - s
        has_auc = ~np.isnan(d[:, 1])
        print(f"{name}: accuracy {o[:, 0].mean():.3f} vs {s[:, 0].mean():.3f}, paired difference "
              f"{d[:, 0].mean():+.4f} (se {se(d[:, 0]):.4f}); ROC AUC {np.nanmean(o[:, 1]):.3f} vs "
              f"{np.nanmean(s[:, 1]):.3f}, paired difference {d[has_auc, 1].mean():+.4f} "
              f"(se {se(d[has_auc, 1]):.4f}, {has_auc.sum()} of {n_seeds} splits)")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", category=UserWarning)
    main()
