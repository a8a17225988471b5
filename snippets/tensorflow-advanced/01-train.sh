#!/bin/bash
# test: run=sbatch with=tensorflow-advanced/train.py,tensorflow-advanced/tf_setup.py needs=conda/11-create-tf-env.sh
# test: expect="^SLURM_CPUS_PER_TASK=4: intra-op threads 4, inter-op threads 2, tf\.data threads 4$"
# test: expect="^GPUs: none visible, TensorFlow runs on the CPU$" expect="^precision policy: float32 "
# test: expect="^layers compute in float32, output in float32$" expect="^accuracy after 3 epochs: 0\.[5-9]"
# test: expect="^0, NVIDIA .*MiB" step-cpus-per-task=4 timeout=240
# test: task-omp=unset task-gpus=1
#SBATCH --job-name=tf-train
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=4 # (1)
#SBATCH --mem=8G
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate tf
export TF_CPP_MIN_LOG_LEVEL=2

nvidia-smi --query-gpu=index,name,memory.used,memory.total,utilization.gpu \
  --format=csv,noheader -l 60 > gpu-usage.csv & # (2)!
srun --cpus-per-task="$SLURM_CPUS_PER_TASK" python train.py # (3)!
