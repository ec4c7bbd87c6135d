#!/usr/bin/env bash
# Idempotent environment set-up for baa_mm.
#
# Creates a virtual environment (default: <repo>/.venv) with torch, torchvision,
# mmengine, mmcv 2.1.0 **with compiled ops** (built from source once, then the
# wheel is reused from a cache), mmdet, mmpretrain and the runtime/test deps,
# and installs baa_mm in editable mode.  A second run with unchanged
# requirements returns in about a second.
#
# Environment variables:
#   BAA_MM_VENV          venv location (default: <repo>/.venv)
#   BAA_MM_WHEEL_CACHE   where the built mmcv wheel is kept
#                        (default: ${XDG_CACHE_HOME:-~/.cache}/baa_mm/wheels)
#   PYTHON               interpreter used to create the venv (default: python3)
#   MAX_JOBS             parallel compile jobs for mmcv (default: nproc)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${BAA_MM_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
CACHE="${BAA_MM_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baa_mm/wheels}"
MMCV_VERSION=2.1.0

log() { echo "[setup_env] $*" >&2; }

# A stamp holding the hash of everything that defines the environment.
req_hash="$(cat "$ROOT"/requirements/*.txt "$ROOT/setup.py" "$0" | sha256sum | cut -c1-16)"
STAMP="$VENV/.baa_mm_env_$req_hash"
if [[ -f "$STAMP" ]]; then
  log "environment up to date: $VENV"
  exit 0
fi

start=$(date +%s)
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating venv $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip --disable-pip-version-check)

"${PIP[@]}" install -q -U pip
"${PIP[@]}" install -q -r "$ROOT/requirements/build.txt"
log "installing torch"
"${PIP[@]}" install -q -r "$ROOT/requirements/torch.txt"

# ---- mmcv with ops: build once per (python, torch) pair, cache the wheel ----
torch_ver="$("$PY" -c 'import torch; print(torch.__version__.split("+")[0])')"
py_tag="$("$PY" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
wheel_dir="$CACHE/mmcv-$MMCV_VERSION-torch$torch_ver-$py_tag"
mkdir -p "$wheel_dir"
wheel="$(ls "$wheel_dir"/mmcv-"$MMCV_VERSION"-*.whl 2>/dev/null | head -n1 || true)"
if [[ -z "$wheel" ]]; then
  log "building mmcv $MMCV_VERSION with ops against torch $torch_ver (about 8 min on 2 cores)"
  build="$(mktemp -d)"
  trap 'rm -rf "$build"' EXIT
  "${PIP[@]}" download -q --no-deps --no-binary :all: --no-build-isolation \
    "mmcv==$MMCV_VERSION" -d "$build"
  tar -xzf "$build"/mmcv-"$MMCV_VERSION".tar.gz -C "$build"
  src="$build/mmcv-$MMCV_VERSION"
  # torch>=2.10 headers need C++20; mmcv 2.1.0 hard-codes -std=c++17.
  sed -i 's/-std=c++17/-std=c++20/g' "$src/setup.py"
  # CFLAGS replaces Python's "-Wsign-compare -DNDEBUG -g -fwrapv -O3 -Wall":
  # the same without debug info (-g0) compiles about twice as fast and makes
  # a 70x smaller object per op (measured on nms.cpp).
  (cd "$src" && MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-$(nproc)}" \
    CFLAGS="${MMCV_CFLAGS:--Wsign-compare -DNDEBUG -fwrapv -O3 -Wall -g0}" \
    "${PIP[@]}" wheel -q --no-build-isolation --no-deps . -w "$build/dist")
  cp "$build"/dist/mmcv-*.whl "$wheel_dir/"
  wheel="$(ls "$wheel_dir"/mmcv-"$MMCV_VERSION"-*.whl | head -n1)"
  log "cached $wheel"
else
  log "reusing cached $wheel"
fi

log "installing OpenMMLab stack and runtime deps"
"${PIP[@]}" install -q "$wheel" -r "$ROOT/requirements/mminstall.txt" \
  -r "$ROOT/requirements/runtime.txt" -r "$ROOT/requirements/tests.txt" \
  -r "$ROOT/requirements/dicom_gpl.txt" -r "$ROOT/requirements/demo.txt" \
  -r "$ROOT/requirements/torch.txt" -r "$ROOT/requirements/build.txt"
# mmengine/mmcv pull opencv-python (needs libGL); keep only the headless build.
if "$PY" -m pip show -q opencv-python >/dev/null 2>&1; then
  "${PIP[@]}" uninstall -q -y opencv-python
  "${PIP[@]}" install -q --force-reinstall --no-deps "$(grep opencv-python-headless "$ROOT/requirements/runtime.txt")"
fi
"${PIP[@]}" install -q --no-build-isolation --no-deps -e "$ROOT"

"$PY" - <<'PY'
import mmcv, mmdet, mmengine, mmpretrain, torch, torchvision
from mmcv.ops import nms, RoIAlign  # compiled ops must import
print(f"[setup_env] torch {torch.__version__}, torchvision {torchvision.__version__}, "
      f"mmengine {mmengine.__version__}, mmcv {mmcv.__version__}, mmdet {mmdet.__version__}, "
      f"mmpretrain {mmpretrain.__version__}")
PY
rm -f "$VENV"/.baa_mm_env_*
touch "$STAMP"
log "done in $(( $(date +%s) - start )) s"
