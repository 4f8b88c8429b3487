#!/bin/sh
# Installs what the PyTorch reference run (bench/vae_reference.py) needs, from Debian:
#   python3-torch        PyTorch (1.13 on bookworm) with NumPy, for /usr/bin/python3
#   libopenblas0-openmp  OpenBLAS as the system BLAS (torch reaches BLAS through libblas.so.3)
#
# OPTIONAL: only for the reference comparison in bench/. `npm test`, the library, the CLI and the
# web page never need it. Idempotent: does nothing when both packages are already installed.
# Run as root (or with sudo):  sh bench/install-reference.sh
set -eu

PACKAGES="python3-torch libopenblas0-openmp"

missing=""
for package in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done

if [ -n "$missing" ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "installing:$missing"
  $SUDO apt-get update
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $missing
else
  echo "already installed: $PACKAGES"
fi

# torch.__config__.show() says BLAS_INFO=generic on Debian: the BLAS actually used is whatever
# libblas.so.3 points to, which should be OpenBLAS after the install above.
for link in /usr/lib/*/libblas.so.3; do
  if [ -e "$link" ]; then echo "$link -> $(readlink -f "$link")"; fi
done
/usr/bin/python3 -c 'import torch, numpy; print("torch", torch.__version__, "numpy", numpy.__version__)'
