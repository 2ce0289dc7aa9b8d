#!/usr/bin/env bash
# Every test: the C++ suite (Release, then Debug under AddressSanitizer and
# UndefinedBehaviorSanitizer), the installed-package consumer test, then the Python suite,
# which also checks that models cross between Python and the C++ programs.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
jobs=${ODDKIT_JOBS:-$(nproc)}
tests/install_deps.sh

echo "== C++ (Release)"
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=Release -DODDKIT_BUILD_TESTS=ON -DODDKIT_BUILD_EXAMPLES=ON -DODDKIT_UNITY_TESTS=ON >/dev/null
cmake --build build/ci -j "$jobs"
ctest --test-dir build/ci --output-on-failure -j "$jobs"

echo "== C++ (Debug, ASan + UBSan)"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DODDKIT_BUILD_TESTS=ON -DODDKIT_BUILD_EXAMPLES=OFF -DODDKIT_SANITIZE=ON -DODDKIT_UNITY_TESTS=ON >/dev/null
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs"

echo "== Python"
"$python" -m pip install -q --disable-pip-version-check --no-build-isolation .
ODDKIT_CPP_BUILD_DIR="$PWD/build/ci" ODDKIT_REQUIRE_CPP=1 ODDKIT_REQUIRE_MQTT=1 "$python" -m pytest tests/python -q -p no:cacheprovider
