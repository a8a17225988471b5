# shellcheck shell=bash
# The test cluster's conda stand-in: defines the `conda` shell function, like
# real conda's etc/profile.d/conda.sh, so that `conda activate` and
# `conda deactivate` can change the calling shell. Source it:
#     source "$(conda info --base)/etc/profile.d/conda.sh"
# or let conda print it: eval "$(conda shell.bash hook)".

# CONDA_EXE: this install's bin/conda, found from where this file lies (bash, zsh);
# other shells keep the CONDA_EXE they have or use: eval "$(conda shell.posix hook)".
__conda_here=''
if [ -n "${BASH_VERSION:-}" ]; then
    eval '__conda_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"'
elif [ -n "${ZSH_VERSION:-}" ]; then
    eval '__conda_here="$(cd "$(dirname "${(%):-%x}")" && pwd)"'
fi
if [ -n "$__conda_here" ]; then
    CONDA_EXE="$(dirname "$(dirname "$__conda_here")")/bin/conda"
fi
unset __conda_here
export CONDA_EXE
# --- functions (conda shell.bash hook prints from here on) ---
export _CE_M='' _CE_CONDA=''

__conda_exe() (
    "$CONDA_EXE" "$@"
)

__conda_activate() {
    local __conda_code
    __conda_code="$(__conda_exe shell.posix "$@")" || return
    eval "$__conda_code"
    hash -r
}

conda() {
    local __conda_cmd="${1-__missing__}"
    case "$__conda_cmd" in
        activate | deactivate)
            __conda_activate "$@"
            ;;
        install | update | upgrade | remove | uninstall)
            __conda_exe "$@" || return
            __conda_activate reactivate
            ;;
        *)
            __conda_exe "$@"
            ;;
    esac
}

if [ -z "${CONDA_SHLVL+x}" ]; then
    export CONDA_SHLVL=0
    case ":${PATH}:" in
        *":$(dirname "$CONDA_EXE"):"*) ;;
        *) PATH="$(dirname "$CONDA_EXE")${PATH:+:${PATH}}" ;;
    esac
    export PATH
fi
