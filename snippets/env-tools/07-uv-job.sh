#!/bin/bash
# test: run=sbatch needs=env-tools/04-uv-venv.console timeout=120
# test: expect="^Python {{ cluster.python.version }}\.\d+ \S+/venvs/analysis/bin/python$" expect="^tqdm 4\.67\.1$"
#SBATCH --job-name=uv-job
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:05:00

source "$WORK/venvs/analysis/bin/activate" # (1)!

echo "Python $(python -c 'import platform; print(platform.python_version())') $(command -v python)"
python -c "import tqdm; print('tqdm', tqdm.__version__)"
