#!/bin/bash
# test: run=static why="needs transformers and a model in the Hugging Face cache (13-hf-download.console), which the test world cannot download"
#SBATCH --job-name=offline
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --gres=gpu:1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --mem=16G
#SBATCH --time=01:00:00

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

export HF_HOME="$WORK/.cache/huggingface" # (1)!
export HF_HUB_OFFLINE=1 # (2)!
export TRANSFORMERS_OFFLINE=1
python -c "from transformers import AutoModel; AutoModel.from_pretrained('distilbert/distilbert-base-uncased')"
