"""The checks one by one, on small scripts written here."""

from pathlib import Path

import pytest
from hpcdocs.lint import lint

GOOD = Path(__file__).parent / "fixtures" / "good"


def found(text, facts=None, name="job.sh"):
    return {(f.line, f.severity, f.code) for f in lint(text, facts, name=name)}


def codes(text, facts=None, name="job.sh"):
    return {f.code for f in lint(text, facts, name=name)}


@pytest.mark.parametrize("path", sorted(GOOD.iterdir()), ids=lambda p: p.name)
@pytest.mark.parametrize("with_facts", [True, False], ids=["facts", "no-facts"])
def test_good_scripts_pass_clean(path, with_facts, facts):
    assert [str(f) for f in lint(path, facts if with_facts else None)] == []


# --- Slurm options --------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "#SBATCH --time=10",
        "#SBATCH --time 10",
        "#SBATCH -t 10",
        "#SBATCH -t10",
        "#SBATCH --ntasks=2 --cpus-per-task 4",
        "#SBATCH -J 'my job'",
        "#SBATCH --hint=nomultithread",  # accepted by sbatch though not in its --help
        "#SBATCH --test-only",
        "#SBATCH --exclusive",
        "#SBATCH --export=NONE",
    ],
)
def test_accepted_option_forms(line):
    assert found(f"#!/bin/bash\n{line}\nhostname\n") == set()


@pytest.mark.parametrize(
    "line,code,severity",
    [
        ("#SBATCH --partiton=cpu", "slurm-unknown-option", "error"),
        ("#SBATCH --gpu=1", "slurm-unknown-option", "error"),  # ambiguous prefix
        ("#SBATCH -y 1", "slurm-unknown-option", "error"),
        ("#SBATCH --part=cpu", "slurm-abbreviation", "warning"),
        ("#SBATCH --hold=yes", "slurm-value", "error"),
        ("#SBATCH --time", "slurm-value", "error"),
        ("#SBATCH -n=4", "slurm-value", "error"),
        ("#SBATCH --time=1:2:3:4", "slurm-value", "error"),
        ("#SBATCH --time=1.5h", "slurm-value", "error"),
        ("#SBATCH --mem=4GB", "slurm-mem-unit", "warning"),
        ("#SBATCH --mem=4.5G", "slurm-value", "error"),
        ("#SBATCH --gres=gpu=2", "slurm-value", "error"),
        ("#SBATCH --gres=gpu:a100:two", "slurm-value", "error"),
        ("#SBATCH --gpus=2:a100", "slurm-value", "error"),
        ("#SBATCH --gpus-per-task=a100", "slurm-value", "error"),
        ("#SBATCH --ntasks=0", "slurm-value", "error"),
        ("#SBATCH --array=1-10%", "slurm-value", "error"),
        ("#SBATCH --mail-type=END,FINISH", "slurm-value", "error"),
        ("#SBATCH --job-name='unclosed", "slurm-syntax", "error"),
        ("#SBATCH--time=10", "slurm-not-directive", "error"),
        ("#SBATCH --exclusive user", "slurm-syntax", "error"),  # sbatch: Invalid directive
    ],
)
def test_rejected_options(line, code, severity):
    assert (2, severity, code) in found(f"#!/bin/bash\n{line}\nhostname\n")


@pytest.mark.parametrize(
    "value",
    ["10", "10:30", "1:00:00", "1-0", "1-2:30", "1-2:30:40", "UNLIMITED", "infinite", "90:00"],
)
def test_slurm_time_forms(value):
    assert found(f"#!/bin/bash\n#SBATCH --time={value}\n") == set()


def test_directives_after_first_command_are_ignored():
    text = "#!/bin/bash\n#SBATCH -t 5\n\n# a comment\necho hi\n#SBATCH --mem=1G\n"
    assert found(text) == {(6, "error", "slurm-ignored")}


@pytest.mark.parametrize(
    "line,severity",
    [
        ("  #SBATCH --time=5", "warning"),  # also how an option is switched off
        ("# SBATCH --time=5", "warning"),
        ("#SBTACH --time=5", "error"),  # misspelled: meant as a directive
        ("#sbatch --time=5", "error"),
        ("#BATCH -t 5", "error"),
    ],
)
def test_lookalike_directives_are_reported(line, severity):
    assert found(f"#!/bin/bash\n{line}\nhostname\n") == {(2, severity, "slurm-not-directive")}


def test_plain_comments_mentioning_sbatch_are_fine():
    assert found("#!/bin/bash\n# sbatch job.sh submits this\n# SBATCH lines go first\n") == set()


def test_trailing_comment_on_directive_is_not_an_option():
    assert found("#!/bin/sh\n#SBATCH --time=5   # five minutes, not --bogus\n") == set()


@pytest.mark.parametrize(
    "body,expected",
    [
        ("python train.py\n", True),
        ("python3 -u train.py --epochs 3\n", True),
        ("OMP_NUM_THREADS=4 python train.py\n", True),
        ("srun python train.py\n", False),
        ("mpirun -n 4 python train.py\n", False),
        ("torchrun --nproc-per-node=4 train.py\n", False),
        ("python -m torch.distributed.run --nproc-per-node=4 train.py\n", False),
        ("echo no python here\n", False),
    ],
)
def test_ntasks_with_bare_python(body, expected):
    text = "#!/bin/bash\n#SBATCH --ntasks=4\n" + body
    assert ("slurm-ntasks-python" in codes(text)) is expected


def test_single_task_python_is_fine():
    assert codes("#!/bin/bash\n#SBATCH -n 1\npython train.py\n") == set()


def test_sbatch_command_lines_are_checked():
    assert (1, "error", "slurm-unknown-option") in found(
        "$ sbatch --partiton=cpu job.sh\nSubmitted batch job 1\n", name="x.console"
    )
    assert found("sbatch job.sh --not-an-sbatch-option\n") == set()  # the script's own args


# --- Slurm against the cluster facts --------------------------------------------


@pytest.mark.parametrize(
    "lines,code",
    [
        ("#SBATCH -p titan", "slurm-partition"),
        ("#SBATCH -p gpu\n#SBATCH --gres=gpu:v100:1", "slurm-gpu"),
        ("#SBATCH -p gpu\n#SBATCH --gres=gpu:8", "slurm-gpu"),
        ("#SBATCH -p gpu\n#SBATCH --gpus-per-node=v100:1", "slurm-gpu"),
        ("#SBATCH -p gpu\n#SBATCH --gpus=9", "slurm-gpu"),
        ("#SBATCH -p cpu\n#SBATCH --gpus=1", "slurm-gpu"),
        ("#SBATCH --gres=gpu:1", "slurm-gpu"),  # default partition has no GPUs
        ("#SBATCH -p debug\n#SBATCH --time=01:00:00", "slurm-time-limit"),
        ("#SBATCH -q gpu", "slurm-partition"),  # -q is QOS in Slurm
        ("#SBATCH -p cpu -N 3", "slurm-size"),
        ("#SBATCH -p debug -c 33", "slurm-size"),  # debug runs on the cpu nodes
        ("#SBATCH -p gpu --mem=300G", "slurm-size"),
    ],
)
def test_against_facts(lines, code, facts):
    assert code in codes(f"#!/bin/bash\n{lines}\nhostname\n", facts)
    assert code not in codes(f"#!/bin/bash\n{lines}\nhostname\n")


def test_sizes_that_fit_pass(facts):
    text = "#!/bin/bash\n#SBATCH -p gpu -N 2 -c 16 --mem=250G\nhostname\n"
    assert found(text, facts) == set()


def test_placeholders_are_rendered_with_facts(facts):
    text = (
        "#!/bin/bash\n#SBATCH --partition={{ cluster.partitions.gpu.name }}\n"
        "#SBATCH --gres=gpu:{{ cluster.partitions.gpu.gpu_type }}:1\nhostname\n"
    )
    assert found(text, facts) == set()
    assert found(text) == set()  # without facts the values are left unchecked


# --- LSF ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "-",
        "num=1",
        "num=2:mode=shared:mps=no",
        "num=1/task:mode=exclusive_process:mps=yes,nocvd",
        "num=2:mps=per_socket,shared:j_exclusive=no:aff=yes:block=no:gpack=yes",
        "num=1:gvendor=nvidia:gmodel=TeslaA100_SXM4_80GB:gmem=10G:glink=yes",
        "num=1:mig=3/2",
    ],
)
def test_lsf_gpu_grammar_accepts(value):
    assert codes(f'#BSUB -gpu "{value}"\nhostname\n') == set()


@pytest.mark.parametrize(
    "value",
    [
        "num=0",
        "num=2:mode=exclusive",
        "mps=maybe",
        "num=1;mode=shared",
        "num=1:num=2",
        "nmu=1",
        "num=1:gmem=lots",
        "2",
        "num=1:mig=9",
    ],
)
def test_lsf_gpu_grammar_rejects(value):
    assert "lsf-value" in codes(f'#BSUB -gpu "{value}"\nhostname\n')


@pytest.mark.parametrize(
    "line,code",
    [
        ("#BSUB -W 01:00:00", "lsf-value"),
        ("#BSUB -W 1:75", "lsf-value"),
        ("#BSUB -n four", "lsf-value"),
        ("#BSUB -n 4,2", "lsf-value"),
        ("#BSUB -nnodes one", "lsf-value"),
        ("#BSUB -nnodes 0", "lsf-value"),
        ('#BSUB -R "span[host=1]"', "lsf-value"),
        ('#BSUB -R "rusage[mem=4 GB]"', "lsf-value"),
        ('#BSUB -R "spam[hosts=1]"', "lsf-value"),
        ('#BSUB -R "span[hosts=1"', "lsf-value"),
        ("#BSUB -M lots", "lsf-value"),
        ("#BSUB --queue gpu", "lsf-unknown-option"),
        ("#BSUB -queue gpu", "lsf-unknown-option"),
        ("#BSUB -q", "lsf-value"),
        ("# BSUB -q gpu", "lsf-not-directive"),
        ("#BSBU -q gpu", "lsf-not-directive"),
    ],
)
def test_lsf_rejects(line, code):
    assert code in codes(f"#!/bin/bash\n{line}\nhostname\n")


@pytest.mark.parametrize(
    "line,code",
    [
        ("#BSUB -q gn01", "lsf-queue-host"),
        ("#BSUB -m gpu", "lsf-queue-host"),
        ("#BSUB -q titan", "lsf-queue"),
        ("#BSUB -m node7", "lsf-queue-host"),
        ('#BSUB -q cpu\n#BSUB -gpu "num=1"', "lsf-gpu"),
        ('#BSUB -q gpu\n#BSUB -gpu "num=5"', "lsf-gpu"),
        ("#BSUB -q debug\n#BSUB -W 60", "lsf-time-limit"),
    ],
)
def test_lsf_against_facts(line, code, facts):
    assert code in codes(f"#!/bin/bash\n{line}\nhostname\n", facts)


def test_lsf_hosts_with_preferences_are_hosts(facts):
    assert codes('#BSUB -q gpu\n#BSUB -m "gn01+2 gn02"\nhostname\n', facts) == set()


# --- characters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,code",
    [
        ("echo ‘hi’", "char-quote"),
        ("python train.py –-epochs 3", "char-dash"),
        ("python\u00a0train.py", "char-space"),
        ("conda install numpy，scipy", "char-fullwidth"),
        ("python train.py --lr＝0.1", "char-fullwidth"),
        ("#SBATCH --time=1\u00a0", "char-space"),
    ],
)
def test_characters_in_code_are_errors(line, code):
    assert (1, "error", code) in found(line + "\n")


def test_characters_in_strings_and_comments():
    assert found('echo "it’s done — really"\n') == {
        (1, "warning", "char-quote"),
        (1, "warning", "char-dash"),
    }
    assert found('echo "完成，下一步"  # 注释：全角标点\n') == set()
    assert found("x = 1  # it’s fine — a comment\n", name="a.py") == set()
    assert found('"""A docstring\nwith it’s\n"""\n', name="a.py") == {(2, "warning", "char-quote")}


def test_console_output_lines_are_not_code():
    assert found("$ echo hi\nit’s output – not code\n", name="a.console") == set()


def test_crlf():
    assert found("#!/bin/bash\r\necho hi\r\n") == {(1, "error", "crlf")}
    assert found("print(1)\r\n", name="a.py") == {(1, "warning", "crlf")}


# --- deprecated forms -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,code,name",
    [
        ("source activate env\n", "conda-source-activate", "a.sh"),
        (". activate env\n", "conda-source-activate", "a.sh"),
        ("pip install tensorflow-gpu==2.10\n", "tensorflow-gpu", "a.sh"),
        ("skill -9 12345\n", "skill-job", "a.sh"),
        ("Trainer(\n    max_epochs=3,\n    gpus=2,\n)\n", "lightning-removed-arg", "a.py"),
        ("pl.Trainer(distributed_backend='ddp')\n", "lightning-removed-arg", "a.py"),
        ("module load cuda/10.2\n", "cuda-outdated", "a.sh"),
        ("pip install torch==1.7.1+cu101\n", "cuda-outdated", "a.sh"),
        ("conda install cudatoolkit=13.0\n", "cuda-too-new", "a.sh"),
        ("conda install -c pytorch pytorch\n", "pytorch-conda-channel", "a.sh"),
    ],
)
def test_deprecated_forms(text, code, name, facts):
    assert code in codes(text, facts, name=name)


@pytest.mark.parametrize(
    "text,name",
    [
        ('eval "$(conda shell.bash hook)"\nconda activate env\n', "a.sh"),
        ("# source activate env was the old way\n", "a.sh"),
        ("pip install tensorflow\n", "a.sh"),
        ("scancel 12345\n", "a.sh"),
        ("trainer = Trainer(accelerator='gpu', devices=2)\nrun(gpus=2)\n", "a.py"),
        ("ray.remote(num_gpus=1)\n", "a.py"),
        ("conda install -c conda-forge pytorch-gpu\n", "a.sh"),
        ("module load cuda/12.8\n", "a.sh"),
    ],
)
def test_current_forms_pass(text, name, facts):
    assert codes(text, facts, name=name) == set()


def test_heterogeneous_job_separator():
    text = "#!/bin/bash\n#SBATCH -n 1\n#SBATCH hetjob\n#SBATCH -n 2\nsrun hostname\n"
    assert found(text) == set()


def test_lint_takes_paths_and_text(tmp_path):
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/bash\n#SBATCH --bogus\nhostname\n")
    by_path = lint(script)
    assert [(f.file, f.line) for f in by_path] == [(str(script), 2)]
    assert lint(str(script)) == by_path
    assert [f.file for f in lint(script.read_text(), name="x.sh")] == ["x.sh"]
    with pytest.raises(FileNotFoundError):
        lint(str(tmp_path / "missing.sh"))


# --- What real scripts do (issue 19) ------------------------------------------------


def test_real_script_forms_give_no_error():
    text = (
        "#!/bin/bash\n"
        "# a label comment\n"
        "#SBATCH --job-name=train --time=1:00:00   # several options on one line\n"
        "\n"
        "## a commented-out one: #SBATCH --mem=1G\n"
        "#SBATCH --output=%x-%j.out --error=logs/%A_%a.err\n"
        "#SBATCH --gres=gpu:a100:2,nvme:100G\n"
        "#SBATCH --constraint='a100&ib'\n"
        "#SBATCH --array=0-9%2\n"
        "#SBATCH hetjob\n"
        "#SBATCH --ntasks=1 --mem-per-cpu=1G\n"
        "srun hostname\n"
    )
    assert found(text) == set()


def test_bsub_lines_after_other_comments():
    text = (
        "#!/bin/sh\n### -- queue --\n#BSUB -q hpc\n# notes\n#BSUB -n 4\n#BSUB -W 1:30\nhostname\n"
    )
    assert found(text) == set()


@pytest.mark.parametrize("opt", ["--image=docker:ubuntu", "--module=gpu", "--container-image=nv"])
def test_plugin_options_warn_naming_the_plugin(opt):
    findings = lint(f"#!/bin/bash\n#SBATCH {opt}\nhostname\n", name="job.sh")
    assert [(f.line, f.severity, f.code) for f in findings] == [
        (2, "warning", "slurm-plugin-option")
    ]
    assert "Shifter" in findings[0].message or "pyxis" in findings[0].message


def test_plugin_option_value_as_next_word_is_its_value():
    assert found("#!/bin/bash\n#SBATCH --image docker:ubuntu\nhostname\n") == {
        (2, "warning", "slurm-plugin-option")
    }


@pytest.mark.parametrize(
    "text,expected",
    [
        ("#SBATCH --workdir=/tmp\n", (2, "error", "slurm-removed-option")),
        ("#SBATCH --workdir /tmp\n", (2, "error", "slurm-removed-option")),
        ("#SBATCH --mem=512MB\n", (2, "warning", "slurm-mem-unit")),
        ("#SBATCH --mem-per-cpu=2gb\n", (2, "warning", "slurm-mem-unit")),
        ("#SBATCH --job-name my job\n", (2, "error", "slurm-unquoted-space")),
        ("#SBATCH --output=my out.txt\n", (2, "error", "slurm-unquoted-space")),
        ("#SBATCH --mem=4G\n#SBATCH --mem-per-cpu=1G\n", (3, "error", "slurm-exclusive")),
        ("#SBATCH --mem-per-gpu=8G --mem=4G\n", (2, "error", "slurm-exclusive")),
    ],
)
def test_real_defects(text, expected):
    assert found("#!/bin/bash\n" + text + "hostname\n") == {expected}


def test_a_value_with_several_unquoted_spaces_is_one_finding():
    """OLCF's template line `-J srun_<enter your name here>`: sbatch 22.05 stops at
    the first word ("Invalid directive found in batch script: your")."""
    findings = lint("#!/bin/bash\n#SBATCH -J srun_<enter your name here>\nhostname\n", None)
    assert [(f.line, f.code) for f in findings if f.severity == "error"] == [
        (2, "slurm-unquoted-space")
    ]
    assert '"srun_<enter your name here>"' in findings[0].message


def test_stray_word_after_a_flag_is_another_error():
    assert found("#!/bin/bash\n#SBATCH --exclusive user\nhostname\n") == {
        (2, "error", "slurm-syntax")
    }


@pytest.mark.parametrize(
    "text,line",
    [
        ("#SBATCH -t 5\nhostname\n", 1),  # no shebang at all
        ("# job.sh\n#!/bin/bash\n#SBATCH -t 5\nhostname\n", 2),  # a label pasted above it
    ],
)
def test_shebang_must_be_line_one(text, line):
    assert found(text) == {(line, "error", "script-shebang")}


def test_shebang_not_required_without_sbatch_lines():
    assert found("module load python\npython x.py\n") == set()
    assert found("#BSUB -n 1\nhostname\n") == set()  # bsub < job reads any script


def test_gres_names_against_facts(facts):
    text = "#!/bin/bash\n#SBATCH --partition=gpu\n#SBATCH --gres={}\nhostname\n"
    assert found(text.format("gpus:1"), facts) == {(3, "error", "slurm-gres-name")}
    assert found(text.format("gpu:1"), facts) == set()
    assert found(text.format("gpus:1")) == set()  # without facts the name is not checked
