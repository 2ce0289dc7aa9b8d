#!/usr/bin/env bash
# Installs what oddkit needs to build and test, skipping what is already there:
# Debian packages (C++ dependencies, compiler, CMake) and Python packages from PyPI.
set -euo pipefail

debian_packages=(g++ cmake ninja-build libeigen3-dev nlohmann-json3-dev libxtensor-dev doctest-dev libbenchmark-dev)
missing=()
for package in "${debian_packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== apt-get install ${missing[*]}"
    as_root=""
    [ "$(id -u)" -eq 0 ] || as_root="sudo"
    $as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
# Build backend (the package is built without build isolation, so nothing is fetched at
# build time), runtime dependencies and the test tools.
requirements=(scikit-build-core pybind11 numpy scikit-learn pandas scipy pytest hypothesis)
if ! "$python" -c "import scikit_build_core, pybind11, numpy, sklearn, pandas, scipy, pytest, hypothesis" 2>/dev/null; then
    echo "== pip install ${requirements[*]}"
    "$python" -m pip install -q --disable-pip-version-check "${requirements[@]}"
fi
