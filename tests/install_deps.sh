#!/usr/bin/env bash
# Installs what oddkit needs to build and test, skipping what is already there:
# Debian packages (C++ dependencies, compiler, CMake) and Python packages from PyPI.
set -euo pipefail

debian_packages=(g++ cmake ninja-build libeigen3-dev nlohmann-json3-dev libxtensor-dev doctest-dev libbenchmark-dev mosquitto)
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
# The build backend too: the package is built without build isolation, so nothing is fetched
# at build time.
"$python" -m pip install -q --disable-pip-version-check -r "$(dirname "$0")/requirements.txt"
