"""oddkit.plot writes valid PNG files (skipped without matplotlib)."""

import struct

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from oddkit import RandomForestClassifier  # noqa: E402
from oddkit import plot  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert 100 <= width <= 3000 and 100 <= height <= 3000
    assert len(data) > 2000  # a real picture, not an empty canvas


def test_plots_write_pngs(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 4))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=400) > 0, "pos", "neg")
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(X[:300], y[:300])
    pos = list(model.classes_).index("pos")
    plot.plot_roc_curve(y[:300], model.predict_proba(X[:300])[:, pos], y[300:],
                        model.predict_proba(X[300:])[:, pos], pos_label="pos", path=tmp_path / "roc.png")
    plot.plot_confusion_matrix(y[300:], model.predict(X[300:]), path=tmp_path / "cm.png")
    plot.plot_confusion_matrix(y[300:], model.predict(X[300:]), normalize="true", path=tmp_path / "cmn.png")
    plot.plot_feature_importances(model.feature_importances_, ["a", "b", "c", "d"], path=tmp_path / "fi.png")
    for name in ("roc.png", "cm.png", "cmn.png", "fi.png"):
        check_png(tmp_path / name)
    with pytest.raises(ValueError, match="feature_names"):
        plot.plot_feature_importances([0.5, 0.5], ["a"])
