#!/bin/bash
# test: run=sbatch state=TIMEOUT with=data/process.py needs=data/04-pack.console timeout=240
# test: expect="^s000\.txt,[0-9]+$" expect="^got SIGTERM at [0-9:]+, copying results back$"
# test: expect="^results in \S+/results-[0-9]+$" expect="DUE TO TIME LIMIT" reject="files done"
#SBATCH --job-name=stage
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --mem=1G
#SBATCH --time=00:01:00

job_tmp=$(mktemp -d "${TMPDIR:-/tmp}/job-$SLURM_JOB_ID.XXXXXX") || exit 1 # (1)!
results=$SLURM_SUBMIT_DIR/results-$SLURM_JOB_ID

copy_back() { # (2)!
    mkdir -p "$results"
    cp -r "$job_tmp/out/." "$results/"
    rm -rf "$job_tmp"
    echo "results in $results"
}
on_signal() {
    echo "got SIG$1 at $(date +%T), copying results back"
    kill "$pid" 2>/dev/null # (3)!
    wait "$pid"
    copy_back
    exit 1
}
trap 'on_signal TERM' TERM
trap 'on_signal USR1' USR1

cp "$WORK/samples.tar" "$job_tmp/" # (4)!
cd "$job_tmp" || exit 1
tar -xf samples.tar

python3 "$SLURM_SUBMIT_DIR/process.py" samples out & # (5)!
pid=$!
wait "$pid"
copy_back
