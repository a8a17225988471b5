#!/bin/bash
# test: run=bash expect="^torch 2\.13\.0" expect="^lightning 2\.6\." timeout=1200
set -euo pipefail
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"

conda create -n torch python={{ cluster.python.version }} --yes
conda activate torch
python -m pip install torch==2.13.0 # (1)!
python -m pip install lightning==2.6.6 scikit-learn==1.9.1 numpy==2.4.6

python -c "import torch; print('torch', torch.__version__, 'CUDA', torch.version.cuda)" # (2)!
python -c "import lightning; print('lightning', lightning.__version__)"
