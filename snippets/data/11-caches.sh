# Download caches on $WORK instead of the small home directory
export PIP_CACHE_DIR="$WORK/.cache/pip"
export HF_HOME="$WORK/.cache/huggingface"
export TORCH_HOME="$WORK/.cache/torch"
