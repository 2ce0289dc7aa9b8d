"""The Python tour in README.md runs as written (on small generated inputs)."""

import re
from pathlib import Path

import numpy as np
import pandas as pd

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_tour_runs(tmp_path, monkeypatch):
    block = re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2018-09-01", tz="UTC")
    environ = pd.DataFrame({"timestamp": pd.date_range(start, periods=600, freq="10min"),
                            "temperature": rng.normal(15, 3, 600), "humidity": rng.normal(70, 5, 600)})
    traffic = pd.DataFrame({"timestamp": pd.date_range(start, periods=400, freq="15min"),
                            "vehicles": rng.poisson(40, 400).astype(float)})
    environ.to_json("environ.json", orient="records")
    traffic.to_json("traffic.json", orient="records")
    X = rng.normal(size=(500, 4))
    y = (X[:, 0] + rng.normal(scale=0.5, size=500) > 0).astype(int)
    namespace = {"X": X, "y": y, "timestamp_ns": int(start.value)}
    exec(compile(block, str(README), "exec"), namespace)
    assert (tmp_path / "model.json").exists()
    assert namespace["anomalies"] == []
    assert namespace["smooth"].shape[0] == namespace["joined"].to_pandas().shape[0]
