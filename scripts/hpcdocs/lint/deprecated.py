"""Old forms that no longer work, or soon will not.

Checked on code (comments removed) of shell and Python files alike, since
job scripts embed Python (heredocs, ``python -c``) and the snippets hold
both.
"""

from __future__ import annotations

import re

from hpcdocs.lint.model import ERROR, WARNING, Finding, Script
from hpcdocs.lint.scan import code_text, python_parts, shell_parts

SOURCE_ACTIVATE = re.compile(r"(?:^|[;&|(]\s*|\s)(?:source|\.)\s+activate\b")
TENSORFLOW_GPU = re.compile(r"\btensorflow-gpu\b")
SKILL = re.compile(r"(?:^|[;&|]\s*)\s*(?:sudo\s+)?skill\b")
TRAINER = re.compile(r"\bTrainer\s*\(")
CONDA_CMD = re.compile(r"\b(?:conda|mamba|micromamba)\s+(?:install|create|env\s+create)\b")
PYTORCH_CHANNEL = re.compile(r"(?:-c|--channel)[=\s]\s*pytorch\b|\bpytorch::", re.IGNORECASE)
# CUDA pins: conda specs, pip wheel tags, PyTorch's wheel index, module names.
CUDA_PINS = (
    re.compile(
        r"\b(?:cudatoolkit|cuda-toolkit|cuda-version|pytorch-cuda|cuda-runtime)"
        r"\s*(?:==?|>=|<=|~=)\s*(\d+)\.?(\d+)?"
    ),
    re.compile(r"\+cu(\d\d)(\d)\b"),
    re.compile(r"download\.pytorch\.org/whl/cu(\d\d)(\d)\b"),
    re.compile(r"\bmodule\s+(?:load|add)\s+(?:.*\s)?cuda/(\d+)\.?(\d+)?"),
)
OLDEST_CUDA = (11, 8)  # the oldest CUDA current PyTorch builds are made for

# Lightning Trainer arguments removed in 1.5 to 2.0, and what replaced them.
LIGHTNING_REMOVED = {
    "gpus": "accelerator='gpu', devices=N",
    "distributed_backend": "strategy= (e.g. strategy='ddp')",
    "tpu_cores": "accelerator='tpu', devices=N",
    "ipus": "accelerator='ipu', devices=N",
    "num_processes": "accelerator='cpu', devices=N",
    "auto_select_gpus": "devices='auto'",
    "resume_from_checkpoint": "trainer.fit(..., ckpt_path=...)",
    "progress_bar_refresh_rate": "a TQDMProgressBar(refresh_rate=...) callback",
    "amp_backend": "precision=",
    "replace_sampler_ddp": "use_distributed_sampler=",
}
LIGHTNING_ARG = re.compile(r"\b(" + "|".join(LIGHTNING_REMOVED) + r")\s*=(?!=)")


def check(script: Script, facts: dict | None = None) -> list[Finding]:
    if script.kind == "python":
        spans = python_parts(script.lines)
    else:
        spans = [shell_parts(line) for line in script.lines]
    commands = dict(script.command_lines())
    out: list[Finding] = []
    depth = 0  # parentheses still open in a Trainer( call
    for number, parts in enumerate(spans, 1):
        if number not in commands:
            continue
        code = code_text(commands[number], parts)
        if script.kind != "python":
            out += _shell_forms(script.name, number, code)
        out += _cuda_pins(script.name, number, code, facts)
        if TENSORFLOW_GPU.search(code):
            out.append(
                Finding(
                    script.name,
                    number,
                    ERROR,
                    "tensorflow-gpu is retired (no release after 2.12, pip refuses it): "
                    "install tensorflow, and for GPUs pip install 'tensorflow[and-cuda]'",
                    "tensorflow-gpu",
                )
            )
        match = TRAINER.search(code)
        if match or depth > 0:
            segment = code[match.end() :] if match and depth == 0 else code
            for arg in LIGHTNING_ARG.finditer(segment):
                name = arg.group(1)
                out.append(
                    Finding(
                        script.name,
                        number,
                        ERROR,
                        f"PyTorch Lightning's Trainer no longer takes {name}= (removed; "
                        f"TypeError in Lightning 2): use {LIGHTNING_REMOVED[name]}",
                        "lightning-removed-arg",
                    )
                )
            depth = max(
                0, (1 if match and depth == 0 else depth) + segment.count("(") - segment.count(")")
            )
    return out


def _shell_forms(name: str, number: int, code: str) -> list[Finding]:
    out = []
    if SOURCE_ACTIVATE.search(code):
        out.append(
            Finding(
                name,
                number,
                WARNING,
                "`source activate` is conda's old activation (deprecated since conda 4.4): "
                "use `conda activate ENV` (in a job script after "
                '`eval "$(conda shell.bash hook)"`)',
                "conda-source-activate",
            )
        )
    if SKILL.search(code):
        out.append(
            Finding(
                name,
                number,
                ERROR,
                "skill signals processes on this machine by user, terminal or command name; "
                "it cannot end a batch job: use scancel JOBID "
                "(force: scancel --signal=KILL JOBID; LSF: bkill JOBID)",
                "skill-job",
            )
        )
    if CONDA_CMD.search(code) and PYTORCH_CHANNEL.search(code):
        out.append(
            Finding(
                name,
                number,
                WARNING,
                "the pytorch conda channel gets no new builds (PyTorch 2.5 was the last): "
                "install torch with pip, or from conda-forge",
                "pytorch-conda-channel",
            )
        )
    return out


def _cuda_pins(name: str, number: int, code: str, facts: dict | None) -> list[Finding]:
    out = []
    for pattern in CUDA_PINS:
        for match in pattern.finditer(code):
            major, minor = int(match.group(1)), int(match.group(2) or 0)
            version = f"{major}.{minor}"
            if (major, minor) < OLDEST_CUDA:
                out.append(
                    Finding(
                        name,
                        number,
                        WARNING,
                        f"CUDA {version} is outdated: current PyTorch and TensorFlow builds "
                        f"need CUDA {OLDEST_CUDA[0]}.{OLDEST_CUDA[1]} or newer",
                        "cuda-outdated",
                    )
                )
            elif facts and facts.get("cuda_version"):
                have = tuple(int(x) for x in str(facts["cuda_version"]).split(".")[:2])
                if (major, minor) > have:
                    out.append(
                        Finding(
                            name,
                            number,
                            WARNING,
                            f"CUDA {version} is newer than the GPU nodes' driver supports "
                            f"(cluster.yml cuda_version: {facts['cuda_version']})",
                            "cuda-too-new",
                        )
                    )
    return out
