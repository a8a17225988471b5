#!/bin/bash
# test: run=bash expect="^tensorflow 2\.21\.0" timeout=1200
set -euo pipefail
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"

conda create -n tf python={{ cluster.python.version }} --yes
conda activate tf
python -m pip install tensorflow==2.21.0 scikit-learn==1.9.1 # (1)!

python -c "import tensorflow as tf; print('tensorflow', tf.__version__)"
