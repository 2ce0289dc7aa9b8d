"""ROC AUC of oddkit RandomCutForest vs rrcf over stream seeds and forest seeds (docs/streaming.md).

Usage: python benchmarks/rrcf_seed_spread.py '{"n": 700, "d": 2, "window": 64, "n_trees": 10, "judged": 100,
"every": 20, "start": 100, "streams": [1], "forests": [0, 1, 2]}'
rrcf forest s uses random_state 1000 s + t for tree t; oddkit uses seed s. Slow (rrcf is pure Python)."""
import sys, time, json
import numpy as np
import rrcf
from sklearn.metrics import roc_auc_score
import oddkit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "suites"))
from streaming import planted_stream  # the benchmark's stream, so both measure the same data


def rrcf_scores(X, window, n_trees, seed, order="evict_insert_score"):
    forest = [rrcf.RCTree(random_state=seed * 1000 + t) for t in range(n_trees)]
    out = np.zeros(len(X))
    for i, p in enumerate(X):
        for tree in forest:
            if order == "evict_insert_score":
                if len(tree.leaves) >= window:
                    tree.forget_point(i - window)
                tree.insert_point(p, index=i)
                out[i] += tree.codisp(i) / n_trees
            else:  # insert, score, then evict (oddkit's window of W + 1 at scoring)
                tree.insert_point(p, index=i)
                out[i] += tree.codisp(i) / n_trees
                if len(tree.leaves) > window:
                    tree.forget_point(i - window)
    return out

def ours(X, window, n_trees, seed):
    return oddkit.RandomCutForest(n_trees=n_trees, window_size=window, seed=seed).score_learn_many(X)

if __name__ == "__main__":
    cfg = json.loads(sys.argv[1])
    n, d, window, n_trees, judged_from = cfg["n"], cfg["d"], cfg["window"], cfg["n_trees"], cfg["judged"]
    rows = []
    for s in cfg["streams"]:
        X, y = planted_stream(n, d, s, every=cfg.get("every", 50), start=cfg.get("start", 300))
        js = slice(judged_from, None)
        for fs in cfg["forests"]:
            a = roc_auc_score(y[js], ours(X, window, n_trees, fs)[js])
            r = roc_auc_score(y[js], rrcf_scores(X, window, n_trees, fs)[js]) if cfg.get("peer", True) else float("nan")
            rows.append((s, fs, a, r))
            print(f"stream {s} forest {fs}: oddkit {a:.4f} rrcf {r:.4f}", flush=True)
    A = np.array([[r[2], r[3]] for r in rows])
    print("mean oddkit %.4f rrcf %.4f  diff %.4f  sd(diff) %.4f  n=%d" % (A[:,0].mean(), A[:,1].mean(), (A[:,0]-A[:,1]).mean(), (A[:,0]-A[:,1]).std(ddof=1), len(A)))
