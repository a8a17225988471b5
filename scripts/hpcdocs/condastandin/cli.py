"""`conda` for the test cluster: check the command against conda's grammar, then do it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from hpcdocs.condagrammar import parse
from hpcdocs.condagrammar.parser import CONFIG_ACTIONS

from . import MARK, NOTICE, VERSION, envs, shellcode
from .state import (
    ROOT,
    RefusalError,
    all_envs,
    condarc_path,
    envs_dirs,
    expand,
    find_env,
    load_condarc,
    meta,
    note,
    pip_cache,
    save_condarc,
    say,
)

HELP = f"""usage: conda COMMAND ...   ({MARK} not conda; venvs from PyPI)

The test cluster's stand-in implements:
  activate NAME|PATH, deactivate        (after sourcing etc/profile.d/conda.sh
                                         or eval "$(conda shell.bash hook)")
  create -n NAME|-p PATH [-y] python=X.Y PKGS... [-c CHANNEL]
  install [-n NAME|-p PATH] [-y] PKGS...
  remove [-n NAME|-p PATH] PKGS... | --all [-y]      (uninstall: the same)
  env create -f environment.yml [-n NAME] [-y]
  env export [-n NAME] [--no-builds] [--from-history] [-f FILE]
  env update -f environment.yml [-n NAME]   (adds; --prune is refused)
  env list, env remove -n NAME
  info, info --base, info --envs
  list [-n NAME] [REGEX] [-e]
  run -n NAME COMMAND...
  clean -a -y                                         (its own pip cache)
  config --show | --show-sources | --get KEY | --add/--append KEY VALUE |
         --remove KEY VALUE | --remove-key KEY | --set KEY VALUE
  shell.bash hook, init (~/.bashrc's hook block), --version
Everything else is refused with a message. Packages come from PyPI (pytorch is
torch==2.13.0, the only torch here); CUDA packages are refused.
"""

# Options each command honours (by long name); other valid conda options are refused.
NOTED = {
    "--channel",
    "--override-channels",
    "--strict-channel-priority",
    "--solver",
    "--no-default-packages",
    "--use-local",
    "--verbose",
    "--debug",
    "--trace",
    "--no-channel-priority",
    "--show-channel-urls",
    "--insecure",
    "--use-index-cache",
    "--offline",
    "--no-pin",
    "--copy",
    "--experimental",
    "--repodata-fn",
    "--no-lock",
}
SUPPORTED = {
    "create": {"--name", "--prefix", "--yes", "--quiet", "--file", "--dry-run", "--help"},
    "install": {
        "--name",
        "--prefix",
        "--yes",
        "--quiet",
        "--file",
        "--dry-run",
        "--help",
        "--no-deps",
        "--force-reinstall",
    },
    "remove": {"--name", "--prefix", "--yes", "--quiet", "--all", "--dry-run", "--help"},
    "env create": {"--name", "--prefix", "--yes", "--quiet", "--file", "--dry-run", "--help"},
    "env export": {
        "--name",
        "--prefix",
        "--file",
        "--no-builds",
        "--from-history",
        "--help",
        "--ignore-channels",
        "--quiet",
    },
    "env list": {"--help", "--quiet"},
    "env remove": {"--name", "--prefix", "--yes", "--quiet", "--dry-run", "--help"},
    "env update": {"--name", "--prefix", "--file", "--quiet", "--help"},
    "info": {"--base", "--envs", "--help", "--quiet", "--all"},
    "list": {"--name", "--prefix", "--export", "--help", "--quiet", "--full-name"},
    "run": {"--name", "--prefix", "--cwd", "--no-capture-output", "--help"},
    "clean": {
        "--all",
        "--packages",
        "--tarballs",
        "--index-cache",
        "--logfiles",
        "--force-pkgs-dirs",
        "--yes",
        "--quiet",
        "--dry-run",
        "--help",
    },
    # every action of conda config but these five
    "config": CONFIG_ACTIONS - {"--validate", "--describe", "--write-default", "--stdin", "--clear"}
    | {"--file", "--help", "--quiet"},
    "init": {"--dry-run", "--all", "--user", "--reverse", "--help", "--quiet"},
}
ALIASES = {"uninstall": "remove"}

LIST_KEYS = {"channels", "envs_dirs", "pkgs_dirs", "default_channels", "create_default_packages"}
SCALAR_KEYS = {
    "channel_priority": ("strict", "flexible", "disabled"),
    "auto_activate_base": ("true", "false"),
    "auto_activate": ("true", "false"),
    "show_channel_urls": ("true", "false"),
    "always_yes": ("true", "false"),
    "changeps1": ("true", "false"),
    "pip_interop_enabled": ("true", "false"),
    "solver": ("classic", "libmamba"),
    "env_prompt": None,
    "channel_alias": None,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Once per command a reader types: `conda install` in a shell with the conda
    # function runs the stand-in twice (install, then `shell.posix reactivate`).
    if not (argv[:1] and argv[0].startswith("shell.") and argv[1:2] == ["reactivate"]):
        print(NOTICE, file=sys.stderr, flush=True)
    try:
        return run(argv)
    except RefusalError as err:
        for i, line in enumerate(str(err).splitlines()):
            print(f"{MARK} {line}" if i == 0 else line, file=sys.stderr)
        return err.code
    except KeyboardInterrupt:
        return 130


def run(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(HELP, end="")
        return 0
    if argv[0] in ("-V", "--version"):
        print(f"conda {VERSION}")
        return 0
    if argv[0].startswith("shell."):
        return shell(argv)
    parsed = parse(argv, shell_words=True)
    for message in parsed.warnings:
        note(f"warning: {message}")
    if parsed.errors:
        for message in parsed.errors:
            print(f"{MARK} error: {message}", file=sys.stderr)
        return 2
    name = " ".join(ALIASES.get(p, p) for p in parsed.path)
    opts = parsed.options
    if "--help" in opts:
        print(HELP, end="")
        return 0
    if name in ("activate", "deactivate"):
        raise RefusalError(
            f"CondaError: Run 'conda init' before 'conda {name}' (the conda shell "
            'function is missing: in a script, source "$(conda info --base)/etc/'
            'profile.d/conda.sh" or eval "$(conda shell.bash hook)" first)'
        )
    handler = HANDLERS.get(name)
    if handler is None:
        raise RefusalError(
            f"'conda {name}' is valid conda, but the test stand-in does not implement "
            "it (it implements: activate, deactivate, create, install, remove, env "
            "create/export/list/remove, info, list, run, clean, config, init)"
        )
    allowed = SUPPORTED.get(name, set())
    for opt in opts:
        if opt in allowed:
            continue
        if opt in NOTED:
            note(f"{opt} noted; it has no effect here (packages come from PyPI)")
            continue
        raise RefusalError(
            f"conda {name} {opt} is valid conda, but the test stand-in does not "
            "implement that option"
        )
    return handler(parsed) or 0


# ---------------------------------------------------------------- handlers


def _one(parsed, flag: str):
    """The last value of an option conda lets you repeat (-f/--file)."""
    value = parsed.get(flag)
    return value[-1] if isinstance(value, list) else value


def _target(parsed, must_exist=True):
    return find_env(parsed.get("--name"), parsed.get("--prefix"), must_exist)


def _spec_file(paths: list[str]) -> list[str]:
    out = []
    for path in paths:
        file = Path(path)
        if not file.exists():
            raise RefusalError(f"--file {path}: file not found")
        if file.suffix in (".yml", ".yaml"):
            raise RefusalError(f"--file {path}: use conda env create -f for environment files")
        for line in file.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("@"):
                out.append(line)
    return out


def do_create(parsed) -> int:
    specs = list(parsed.positionals) + _spec_file(parsed.get("--file") or [])
    envs.specmod.plan(specs)  # refuse unavailable packages before anything else
    name, prefix = _target(parsed, must_exist=False)
    if prefix == ROOT:
        raise RefusalError("CondaValueError: 'base' is a reserved environment name")
    envs.create(
        prefix,
        specs,
        parsed.get("--channel") or [],
        [],
        yes=bool(parsed.get("--yes")),
        quiet=bool(parsed.get("--quiet")),
        dry_run=bool(parsed.get("--dry-run")),
    )
    return 0


def do_install(parsed) -> int:
    specs = list(parsed.positionals) + _spec_file(parsed.get("--file") or [])
    envs.specmod.plan(specs)  # refuse unavailable packages before anything else
    _, prefix = _target(parsed)
    extra = (["--no-deps"] if parsed.get("--no-deps") else []) + (
        ["--force-reinstall"] if parsed.get("--force-reinstall") else []
    )
    envs.install(
        prefix,
        specs,
        yes=bool(parsed.get("--yes")),
        quiet=bool(parsed.get("--quiet")),
        dry_run=bool(parsed.get("--dry-run")),
        extra=extra,
    )
    return 0


def do_remove(parsed) -> int:
    _, prefix = _target(parsed)
    if parsed.get("--all"):
        if parsed.get("--dry-run"):
            say(f"dry run: would remove the environment {prefix}")
            return 0
        envs.remove_env(prefix, yes=bool(parsed.get("--yes")))
        return 0
    if prefix == ROOT:
        raise RefusalError("the stand-in's base environment holds only conda")
    envs.uninstall(prefix, parsed.positionals, quiet=bool(parsed.get("--quiet")))
    return 0


def do_env_create(parsed) -> int:
    path = Path(_one(parsed, "--file") or "environment.yml")
    spec = envs.read_environment_file(path)
    name, prefix_opt = parsed.get("--name"), parsed.get("--prefix")
    if not name and not prefix_opt:
        name, prefix_opt = spec["name"], None if spec["name"] else spec["prefix"]
    if not name and not prefix_opt:
        raise RefusalError(f"{path}: no name in the file; give -n NAME or -p PATH")
    _, prefix = find_env(name, prefix_opt, must_exist=False)
    envs.create(
        prefix,
        spec["specs"],
        spec["channels"],
        spec["pip"],
        yes=bool(parsed.get("--yes")),
        quiet=bool(parsed.get("--quiet")),
        dry_run=bool(parsed.get("--dry-run")),
        what="env create",
    )
    return 0


def do_env_update(parsed) -> int:
    path = Path(_one(parsed, "--file") or "environment.yml")
    spec = envs.read_environment_file(path)
    name = parsed.get("--name") or (None if parsed.get("--prefix") else spec["name"])
    _, prefix = find_env(name, parsed.get("--prefix"))
    envs.install(
        prefix,
        spec["specs"],
        yes=True,
        quiet=bool(parsed.get("--quiet")),
        dry_run=False,
        extra=[],
        pip_lines=spec["pip"],
    )
    return 0


def do_env_export(parsed) -> int:
    name, prefix = _target(parsed)
    if prefix == ROOT:
        raise RefusalError(
            "the stand-in's base environment holds only conda; export an env you made"
        )
    text = envs.export(
        prefix,
        name or prefix.name,
        bool(parsed.get("--from-history")),
        parsed.get("--channel") or [],
        bool(parsed.get("--override-channels")),
        bool(parsed.get("--ignore-channels")),
    )
    if parsed.get("--file"):
        Path(_one(parsed, "--file")).write_text(text)
    else:
        print(text, end="")
    return 0


def do_env_list(parsed) -> int:
    active = os.environ.get("CONDA_PREFIX")
    print("# conda environments:\n#")
    for name, prefix in all_envs():
        star = "*" if active and str(prefix) == active else " "
        print(f"{name:<25}{star}  {prefix}")
    print()
    return 0


def do_env_remove(parsed) -> int:
    if not parsed.get("--name") and not parsed.get("--prefix"):
        raise RefusalError("give -n NAME or -p PATH (the stand-in does not remove the active env)")
    _, prefix = _target(parsed)
    if parsed.get("--dry-run"):
        say(f"dry run: would remove the environment {prefix}")
        return 0
    envs.remove_env(prefix, yes=bool(parsed.get("--yes")))
    return 0


def do_info(parsed) -> int:
    if parsed.get("--base"):
        print(ROOT)
        return 0
    if parsed.get("--envs"):
        return do_env_list(parsed)
    active = os.environ.get("CONDA_PREFIX")
    print(f"""
     active environment : {os.environ.get("CONDA_DEFAULT_ENV") or "None"}
    active env location : {active or "-"}
       user config file : {condarc_path()}
          conda version : {VERSION} (test stand-in: venvs from PyPI, not conda)
       base environment : {ROOT}
       envs directories : {(chr(10) + " " * 25).join(str(d) for d in envs_dirs())}
          package cache : {pip_cache()} (pip's cache)
""")
    return 0


def do_list(parsed) -> int:
    name, prefix = _target(parsed)
    if prefix == ROOT:
        print(
            f"# packages in environment at {prefix}:\n#\n# (the stand-in's base holds only conda)"
        )
        return 0
    pattern = parsed.positionals[0] if parsed.positionals else None
    if pattern and parsed.get("--full-name"):
        pattern = f"^{pattern}$"
    packages = envs.installed(prefix)
    data = meta(prefix)
    rows = [("python", data["python"], "standin", "pyenv")]
    rows += [(name_, version, "pypi_0", "pypi") for name_, version in packages.items()]
    rows.sort(key=lambda r: r[0].lower())
    if pattern:
        rows = [r for r in rows if re.search(pattern, r[0])]
    if parsed.get("--export"):
        print(
            "# This file may be used to create an environment using:\n"
            "# $ conda create --name <env> --file <this file>\n# platform: linux-64"
        )
        for row in rows:
            print(f"{row[0]}={row[1]}={row[2]}")
        return 0
    print(f"# packages in environment at {prefix}:\n#")
    print(f"# {'Name':<23} {'Version':<15} {'Build':<18} Channel")
    for row in rows:
        print(f"{row[0]:<25} {row[1]:<15} {row[2]:<18} {row[3]}")
    return 0


def do_run(parsed) -> int:
    _, prefix = _target(parsed)
    command = parsed.positionals
    env = dict(os.environ)
    env["PATH"] = f"{prefix / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["CONDA_PREFIX"] = str(prefix)
    env["CONDA_DEFAULT_ENV"] = prefix.name if prefix != ROOT else "base"
    try:
        return subprocess.run(command, env=env, cwd=parsed.get("--cwd")).returncode
    except FileNotFoundError:
        raise RefusalError(f"conda run: command not found: {command[0]}") from None


def do_clean(parsed) -> int:
    cache = pip_cache()
    size = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) if cache.exists() else 0
    if parsed.get("--dry-run"):
        say(f"dry run: would remove the stand-in's pip cache {cache} ({size / 1e6:.1f} MB)")
        return 0
    if cache.exists():
        import shutil

        shutil.rmtree(cache)
    say(
        f"removed the stand-in's pip cache {cache} ({size / 1e6:.1f} MB); there are no conda "
        "tarballs, index caches or logs here to remove"
    )
    return 0


def do_config(parsed) -> int:
    path = expand(_one(parsed, "--file")) if parsed.get("--file") else condarc_path()
    data = load_condarc(path)
    changed = False
    for key, value in parsed.get("--prepend") or []:
        _list_key(key)
        items = [v for v in data.get(key) or [] if v != value]
        if value in (data.get(key) or []):
            note(f"warning: '{value}' already in '{key}' list, moving to the top")
        data[key] = [value] + items
        changed = True
    for key, value in parsed.get("--append") or []:
        _list_key(key)
        items = [v for v in data.get(key) or [] if v != value]
        data[key] = items + [value]
        changed = True
    for key, value in parsed.get("--remove") or []:
        _list_key(key)
        if value not in (data.get(key) or []):
            raise RefusalError(
                f"CondaKeyError: '{key}': '{value}' is not in the '{key}' key of the config file"
            )
        data[key] = [v for v in data[key] if v != value]
        changed = True
    if parsed.get("--remove-key"):
        key = parsed.get("--remove-key")
        if key not in data:
            raise RefusalError(f"CondaKeyError: '{key}': key '{key}' is not in the config file")
        del data[key]
        changed = True
    for key, value in parsed.get("--set") or []:
        if key not in SCALAR_KEYS:
            raise RefusalError(
                f"conda config --set {key}: the stand-in supports "
                f"{', '.join(sorted(SCALAR_KEYS))}"
                + (" (use --add for list settings)" if key in LIST_KEYS else "")
            )
        allowed = SCALAR_KEYS[key]
        if allowed and value.lower() not in allowed:
            raise RefusalError(
                f"CondaValueError: '{value}' is not a valid value for {key} "
                f"(choose from {', '.join(allowed)})"
            )
        data[key] = (value.lower() == "true") if allowed == ("true", "false") else value
        changed = True
    if changed:
        save_condarc(data, path)
    if parsed.get("--show-sources"):
        print(f"==> {path} <==")
        _print_settings(data, None)
    if "--show" in parsed.options:
        _print_settings(data, parsed.get("--show") or None, show_defaults=True)
    if "--get" in parsed.options:
        keys = parsed.get("--get") or list(data)
        for key in keys:
            for value in (
                reversed(data.get(key) or [])
                if isinstance(data.get(key), list)
                else ([data[key]] if key in data else [])
            ):
                if isinstance(data.get(key), list):
                    print(f"--add {key} {value!r}")
                else:
                    print(f"--set {key} {value}")
    return 0


def _list_key(key: str) -> None:
    if key not in LIST_KEYS:
        raise RefusalError(
            f"CondaValueError: Key '{key}' is not a known sequence parameter "
            "(the stand-in's list settings: " + ", ".join(sorted(LIST_KEYS)) + ")"
        )


def _print_settings(data: dict, keys, show_defaults: bool = False) -> None:
    import yaml

    settings = dict(data)
    if show_defaults:
        settings.setdefault("channel_priority", "flexible")
        settings.setdefault("channels", ["conda-forge"])
        settings.setdefault("envs_dirs", [str(d) for d in envs_dirs()])
        settings.setdefault("pkgs_dirs", [str(pip_cache().parent)])
    if keys:
        unknown = [k for k in keys if k not in settings]
        if unknown:
            raise RefusalError(
                f"CondaKeyError: {unknown[0]!r}: unknown or unset parameter in the stand-in"
            )
        settings = {k: settings[k] for k in keys}
    print(yaml.safe_dump(settings, default_flow_style=False, sort_keys=True), end="")


INIT_BEGIN = "# >>> conda initialize >>>"
INIT_END = "# <<< conda initialize <<<"
INIT_FILES = {"bash": ".bashrc", "zsh": ".zshrc"}


def init_block() -> str:
    """The block real conda init writes into ~/.bashrc, pointing at this install."""
    exe, profile = ROOT / "bin" / "conda", ROOT / "etc" / "profile.d" / "conda.sh"
    return (
        f"{INIT_BEGIN}\n"
        "# !! Contents within this block are managed by 'conda init' !!\n"
        f"__conda_setup=\"$('{exe}' 'shell.bash' 'hook' 2> /dev/null)\"\n"
        "if [ $? -eq 0 ]; then\n"
        '    eval "$__conda_setup"\n'
        "else\n"
        f'    if [ -f "{profile}" ]; then\n'
        f'        . "{profile}"\n'
        "    else\n"
        f'        export PATH="{ROOT / "bin"}:$PATH"\n'
        "    fi\n"
        "fi\n"
        "unset __conda_setup\n"
        f"{INIT_END}\n"
    )


def _without_block(text: str) -> str:
    pattern = re.compile(rf"\n?{re.escape(INIT_BEGIN)}\n.*?{re.escape(INIT_END)}\n?", re.S)
    return pattern.sub("\n", text).rstrip("\n") + ("\n" if text.strip() else "")


def do_init(parsed) -> int:
    """As real conda init: the block that runs conda's shell hook, added to (or with
    --reverse taken out of) ~/.bashrc (~/.zshrc for zsh) of $HOME. Refused inside a job,
    where it would change the start-up files of every later login from a batch script."""
    shells = list(parsed.positionals) or ["bash"]
    if parsed.get("--all"):
        shells = list(INIT_FILES)
    unknown = [name for name in shells if name not in INIT_FILES]
    if unknown:
        raise RefusalError(
            f"conda init {unknown[0]}: the stand-in initialises bash and zsh only", code=2
        )
    if "SLURM_JOB_ID" in os.environ or "LSB_JOBID" in os.environ:
        raise RefusalError(
            "conda init refused in a batch job: it edits ~/.bashrc, which a job script's "
            "non-interactive bash does not read. In a job script use: "
            'eval "$(conda shell.bash hook)"'
        )
    changed = False
    for name in shells:
        rc = Path(os.path.expanduser("~")) / INIT_FILES[name]
        old = rc.read_text() if rc.exists() else ""
        new = _without_block(old)
        if not parsed.get("--reverse"):
            new = new + ("\n" if new and not new.endswith("\n") else "") + init_block()
        if new == old:
            print(f"no change     {rc}")
            continue
        changed = True
        if parsed.get("--dry-run"):
            print(f"modified      {rc}  (dry run: not written)")
            continue
        rc.write_text(new)
        print(f"modified      {rc}")
    if changed and not parsed.get("--dry-run"):
        print("\n==> For changes to take effect, close and re-open your current shell. <==")
    return 0


def shell(argv: list[str]) -> int:
    kind = argv[0].split(".", 1)[1]
    if kind not in ("bash", "posix", "zsh", "sh", "dash", "ash"):
        raise RefusalError(
            f"conda {argv[0]}: the stand-in writes POSIX shell code only (bash, zsh, posix)"
        )
    verb, args = (argv[1] if len(argv) > 1 else ""), argv[2:]
    if verb == "hook":
        print(shellcode.hook(), end="")
    elif verb == "activate":
        print(shellcode.activate(args), end="")
    elif verb == "deactivate":
        print(shellcode.deactivate(args), end="")
    elif verb == "reactivate":
        print("hash -r")
    else:
        raise RefusalError(
            f"conda {argv[0]} {verb}: the stand-in knows hook, activate, deactivate and reactivate",
            code=2,
        )
    return 0


HANDLERS = {
    "create": do_create,
    "install": do_install,
    "remove": do_remove,
    "env create": do_env_create,
    "env export": do_env_export,
    "env list": do_env_list,
    "env remove": do_env_remove,
    "env update": do_env_update,
    "info": do_info,
    "list": do_list,
    "run": do_run,
    "clean": do_clean,
    "config": do_config,
    "init": do_init,
}
