#!/usr/bin/env bash
# The demo: installs what is missing, builds and installs the Python package, then runs
# Isolation Forest on generated sensor readings with planted faults.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
tests/install_deps.sh
echo "== building oddkit (pip install .)"
"$python" -m pip install -q --disable-pip-version-check --no-build-isolation . 
echo "== examples/python/sensor_demo.py"
"$python" examples/python/sensor_demo.py
