#!/bin/bash
# test: run=static tested-by=tests/snippets/test_jupyter.py::test_jupyterlab_through_the_login_node_tunnel why="runs until it is cancelled: tests/snippets/test_jupyter.py submits it, opens the ssh tunnel it prints through the test login node, asks JupyterLab's API through it, then cancels the job"
#SBATCH --job-name=jupyter
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --cpus-per-task=4
#SBATCH --mem=16G
#SBATCH --time=02:00:00
#SBATCH --output=jupyter-%j.out
#SBATCH --error=jupyter-%j.err
#SBATCH --signal=B:USR1@600

module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate jupyter

chmod 600 "jupyter-${SLURM_JOB_ID}.out" "jupyter-${SLURM_JOB_ID}.err" # (1)!
node=$(hostname)
port=$(python -c "import socket; s = socket.socket(); s.bind(('$node', 0)); print(s.getsockname()[1])") # (2)!
JUPYTER_TOKEN=$(python -c "import secrets; print(secrets.token_urlsafe(32))") # (3)!
export JUPYTER_TOKEN

cat <<EOT
On your own computer, run:
    ssh -N -L ${port}:${node}:${port} ${USER}@{{ cluster.login_host }}
then open in your browser:
    http://localhost:${port}/lab?token=${JUPYTER_TOKEN}
EOT

trap 'echo "$(date +%H:%M) about 10 minutes left: save your notebooks"' USR1 # (4)!
jupyter lab --no-browser --ip="$node" --port="$port" --ServerApp.port_retries=0 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
    wait "$pid"
done
