"""The test cluster's stand-in for conda: venvs from PyPI, never real conda.

Real conda cannot be installed on the test machine (it is not on PyPI and
conda's channels are out of reach), so the test cluster's conda module puts
scripts/conda/bin/conda on PATH: this package behind it. It implements what
the guides' scripts use and refuses the rest with a message that says so.
Every run prints a one-line notice on stderr; every message of its own starts
with "conda (test stand-in):". Data output (`conda info --base`, `conda env
export`, `conda list`, `conda env list`, `conda shell.bash hook`) has the
real format so that scripts can use it.

Implemented:
  activate / deactivate (through the shell function of etc/profile.d/conda.sh
  or `eval "$(conda shell.bash hook)"`); create -n/-p with python=X.Y and
  packages (-c noted, not used); install; remove PKGS / remove --all;
  env create -f, env export (--no-builds, --from-history, -f), env list,
  env remove; info, info --base, info --envs; list; run; clean; config
  (--show, --show-sources, --get, --add/--prepend/--append, --remove,
  --remove-key, --set) for channels, envs_dirs, pkgs_dirs, channel_priority
  and a few other keys; shell.{bash,posix,zsh} hook|activate|deactivate|
  reactivate; --version.

Decisions:
  * An environment is a venv made by pyenv's Python that matches python=...
    (3.8 to 3.13); packages come from PyPI through pip. Conda names map to
    PyPI names (pytorch -> torch, ...); match specs are parsed with conda's
    rules (hpcdocs.condagrammar.matchspec) and turned into pip specifiers;
    build strings and channels are noted and ignored.
  * torch is only ever installed as torch==2.13.0 (the CPU build on local
    disk): a spec 2.13.0 satisfies becomes torch==2.13.0, any other is
    refused; every pip run gets a constraints file pinning torch==2.13.0.
  * CUDA packages (cudatoolkit, cuda-toolkit, pytorch-cuda, cudnn, ...) and
    tensorflow-gpu are refused: nothing here could honour them.
  * Envs live in $CONDA_ENVS_PATH (set by the test cluster's modulefile;
    default <repo>/.cache/testcluster/conda/envs), after any envs_dirs set
    with `conda config`. Real conda ranks $CONDA_ENVS_PATH first; the
    stand-in lets the user's envs_dirs win so that the guides' advice
    (keep envs out of a small home) can be tested.
  * create of an env that exists: if its create spec (python, packages,
    pip list) is unchanged the env is reused at once (creating one with
    torch takes minutes); otherwise -y replaces it, and without -y the
    stand-in stops, as real conda would at its "Remove existing
    environment?" question. env create -f behaves the same way.
  * Questions real conda asks ("Proceed ([y]/n)?") are not asked: the
    stand-in goes on and says that real conda would have asked.
  * conda init [bash|zsh] does what real conda's does to start-up files:
    it adds the "# >>> conda initialize >>>" block that evals this
    install's `conda shell.bash hook` to $HOME/.bashrc (.zshrc), once
    ("no change" when it is there); --reverse takes it out, --dry-run
    writes nothing. Real conda also edits its own install's files, which
    the stand-in leaves alone. Inside a job (SLURM_JOB_ID or LSB_JOBID set)
    it refuses and says how to set conda up in a script.
  * clean removes the stand-in's own pip cache (in pkgs_dirs) and says so;
    there are no tarballs, index caches or logs to remove.
"""

NOTICE = (
    "conda (test stand-in): this is not conda; it makes venvs from PyPI "
    "for the site's tests (scripts/hpcdocs/condastandin)"
)
MARK = "conda (test stand-in):"
VERSION = "24.11.3"
