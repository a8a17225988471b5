#!/bin/bash
# test: run=static why="downloads micromamba from micro.mamba.pm and packages from conda-forge, neither of which the test machine can reach; the test world has no conda channel to stand in for them (about-testing.md#what-is-mocked)"
set -euo pipefail
mkdir -p "$WORK/micromamba"
cd "$WORK/micromamba"
curl -Ls https://micro.mamba.pm/api/micromamba/linux-64/latest | tar -xj bin/micromamba # (1)!

export MAMBA_ROOT_PREFIX="$WORK/micromamba" # (2)!
eval "$("$WORK/micromamba/bin/micromamba" shell hook --shell bash)"
micromamba create -n sci -c conda-forge python={{ cluster.python.version }} numpy --yes
micromamba activate sci
python --version
