// The job-script generator (docs/*/generator.md): a form whose script follows
// the templates page (snippets/templates/) line for line, apart from comments.
// The cluster facts come from jobgen-facts.json, written by the build
// (scripts/hooks/jobgen.py). No framework, nothing from another host.
//
// generate(facts, choices, lang) -> {script, errors}: errors maps a field to
// its message; when there is any, script is null. The page calls it on every
// input; tests call it through window.hpcJobgen as well as through the form.

// Every text of the form and the script, zh first and en second (the site's order),
// so that a text and its translation are edited together.
const WORDS = {
  scheduler: ["调度系统", "Scheduler"],
  partition: ["分区", "Partition"],
  queue: ["队列", "Queue"],
  nodes: ["节点数", "Nodes"],
  tasks: ["每节点任务（进程）数", "Tasks (processes) per node"],
  cpus: ["每任务 CPU 核数", "CPU cores per task"],
  gpus: ["每节点 GPU 数", "GPUs per node"],
  gputype: ["GPU 型号", "GPU type"],
  anytype: ["任意型号", "any type"],
  mem: ["每节点内存（GB）", "Memory per node (GB)"],
  time: ["时间上限（时:分:秒，或 天-时:分:秒）", "Time limit (HH:MM:SS or D-HH:MM:SS)"],
  name: ["作业名", "Job name"],
  output: ["输出文件（留空用默认）", "Output file (empty: the default)"],
  array: ["作业数组范围（如 1-10，留空则不用）", "Job array range (e.g. 1-10; empty: none)"],
  arraymax: ["同时最多运行几个（留空不限）", "At most this many at a time (empty: no limit)"],
  params: ["参数文件（每个数组任务读一行）", "Parameter file (one line per array task)"],
  email: ["邮件通知地址（留空则不发）", "Email notification to (empty: none)"],
  modules: ["加载的模块", "Modules to load"],
  conda: ["conda 环境（留空则不激活）", "conda environment (empty: none)"],
  program: ["要运行的程序", "Program to run"],
  launch: ["启动方式", "Launch"],
  none: ["直接运行（单个进程）", "run directly (one process)"],
  srun: ["srun：每个任务一个进程", "srun: one process per task"],
  torchrun: ["torchrun：每节点一个 torchrun", "torchrun: one torchrun per node"],
  blaunch: ["blaunch + torchrun：多节点", "blaunch + torchrun: several nodes"],
  copy: ["复制", "Copy"],
  download: ["下载", "Download"],
  copied: ["已复制", "Copied"],
  fixfirst: ["请先修正上面标出的问题，然后这里才会给出脚本。", "Fix the problems marked above; the script appears here then."],
  lsfgpu: ["LSF 由队列决定 GPU 型号。", "On LSF the queue decides the GPU type."],
  // comments in the script
  c_array: [(n, m) => `作业数组：${n} 个任务` + (m ? `，同时最多 ${m} 个` : ""), (n, m) => `job array: ${n} tasks` + (m ? `, at most ${m} at a time` : "")],
  c_nodes: ["节点数", "number of nodes"],
  c_tpn: ["每个节点上的任务（进程）数", "tasks (processes) on each node"],
  c_onetr: ["每个节点一个任务：一个 torchrun", "one task per node: one torchrun"],
  c_gres: ["每个节点的 GPU", "GPUs on each node"],
  c_cpus_tr: [(t, c) => `${t} 个进程 × 每个 ${c} 核`, (t, c) => `${t} processes x ${c} cores each`],
  c_cpus: ["每个任务的 CPU 核数", "CPU cores of each task"],
  c_mem: ["每个节点的内存", "memory on each node"],
  c_time: ["超过这个时间作业会被终止", "the job is stopped after this time"],
  c_out: [(a) => a ? "输出文件：%x 作业名，%A 数组作业号，%a 任务序号" : "输出文件：%x 作业名，%j 作业号", (a) => a ? "output: %x job name, %A array job ID, %a task index" : "output: %x job name, %j job ID"],
  c_lsf_o: [(a) => a ? "输出文件：%J 作业号，%I 任务序号" : "输出文件：%J 作业号", (a) => a ? "output: %J job ID, %I task index" : "output: %J job ID"],
  c_mail: ["作业结束或失败时发邮件", "mail when the job ends or fails"],
  c_hook: ["让 conda activate 在作业脚本里可用", "makes conda activate work in a job script"],
  c_args: ["本数组任务的参数：参数文件的第几行", "this array task's arguments: that line of the parameter file"],
  c_omp: ["线程数与申请的核数一致", "as many threads as cores asked for"],
  c_master: ["第一个节点做各进程的汇合点", "the first node is where the processes meet"],
  c_srun: ["srun 要再写一次 --cpus-per-task，否则每个任务只有 1 核", "give srun --cpus-per-task again, or each task gets 1 core"],
  c_torchrun: ["每个 GPU 一个进程", "one process per GPU"],
  c_hosts: ["作业分到的主机，每台一次", "the job's hosts, each once"],
  c_blaunch: ["每台主机上启动一个 torchrun", "one torchrun on each host"],
  c_span1: ["所有核在同一台主机上", "all cores on one host"],
  c_ptile: ["每台主机上的核数", "cores on each host"],
  c_n: ["总核数（slot）", "cores (slots) in all"],
  c_rusage: [(per) => per ? "每个 slot 的内存" : "每台主机的内存", (per) => per ? "memory per slot" : "memory per host"],
  c_W: ["时间上限（时:分）", "time limit (hours:minutes)"],
  c_mailN: ["作业结束时发邮件", "mail when the job ends"],
  c_u: ["发给这个地址", "to this address"],
  // messages
  e_int: [(min) => `请填一个不小于 ${min} 的整数。`, (min) => `Enter a whole number of at least ${min}.`],
  e_nodes: [(p, n) => `分区 ${p} 只有 ${n} 个节点。`, (p, n) => `Partition ${p} has ${n} nodes.`],
  e_cpus: [(p, n, asked) => `分区 ${p} 的一个节点只有 ${n} 个 CPU 核，这里每节点要 ${asked} 个（任务数 × 每任务核数）。`, (p, n, asked) => `A node of ${p} has ${n} CPU cores; this asks for ${asked} per node (tasks x cores per task).`],
  e_nogpu: [(p) => `分区 ${p} 没有 GPU，请选 GPU 分区或把 GPU 数设为 0。`, (p) => `Partition ${p} has no GPUs: choose a GPU partition or set GPUs to 0.`],
  e_gpus: [(p, n) => `分区 ${p} 的一个节点只有 ${n} 块 GPU。`, (p, n) => `A node of ${p} has ${n} GPUs.`],
  e_mem: [(p, gb) => `分区 ${p} 的一个节点最多可申请 ${gb} GB 内存。`, (p, gb) => `At most ${gb} GB of memory can be asked for on a node of ${p}.`],
  e_timefmt: ["请按 时:分:秒（如 04:00:00）或 天-时:分:秒（如 2-00:00:00）填写。", "Write HH:MM:SS (e.g. 04:00:00) or D-HH:MM:SS (e.g. 2-00:00:00)."],
  e_time: [(p, max) => `分区 ${p} 的时间上限是 ${max}。`, (p, max) => `The longest time on ${p} is ${max}.`],
  e_name: ["作业名只能用字母、数字和 . _ -，不能为空。", "A job name is letters, digits and . _ - only, and not empty."],
  e_output: ["输出文件名不能含空格或引号。", "The output file name cannot contain spaces or quotes."],
  e_array: ["请写成 起-止（如 1-10），起不大于止。", "Write start-end (e.g. 1-10), start not above end."],
  e_arraymax: ["请填一个正整数，或留空。", "Enter a positive whole number, or leave it empty."],
  e_params: ["参数文件名不能含空格或引号。", "The parameter file name cannot contain spaces or quotes."],
  e_email: ["这不像一个邮件地址。", "This does not look like an email address."],
  e_conda: ["环境名只能用字母、数字和 . _ -。", "An environment name is letters, digits and . _ - only."],
  e_program: ["请填要运行的命令（一行，不含引号）。", "Enter the command to run (one line, no quotes)."],
  e_launch_none: ["多个节点或多个任务需要启动方式：请选 srun 或 torchrun（LSF：blaunch）。", "Several nodes or tasks need a launcher: choose srun or torchrun (LSF: blaunch)."],
  e_launch_lsf_nodes: ["LSF 上跨节点要用 blaunch。", "On LSF, several nodes need blaunch."],
  e_launch_py: ["torchrun 运行的是一个 Python 脚本：请写成 python 脚本名.py。", "torchrun runs a Python script: write python SCRIPT.py."],
  e_launch_blaunch: ["blaunch 用于多个节点；单个节点请选 torchrun。", "blaunch is for several nodes; on one node choose torchrun."],
};
const TEXT = Object.fromEntries(
  ["zh", "en"].map((lang, i) => [lang, Object.fromEntries(Object.entries(WORDS).map(([k, v]) => [k, v[i]]))]),
);

const LAUNCHES = { slurm: ["none", "srun", "torchrun"], lsf: ["none", "torchrun", "blaunch"] };
const SAFE = /^[A-Za-z0-9._-]+$/;
const FILENAME = /^[^\s"'`\\]+$/;

// "D-HH:MM:SS" or "HH:MM:SS" -> seconds; null if it is neither.
export function seconds(text) {
  const m = /^(?:(\d+)-)?(\d{1,3}):([0-5]\d):([0-5]\d)$/.exec(String(text).trim());
  if (!m) return null;
  return ((+(m[1] || 0) * 24 + +m[2]) * 60 + +m[3]) * 60 + +m[4];
}

function slurmTime(s) {
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
  const rest = [Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, "0"));
  return (d ? `${d}-` : "") + [String(h).padStart(2, "0"), ...rest].join(":");
}

// LSF -W is [hours:]minutes; seconds are rounded up to a minute.
function lsfTime(s) {
  const minutes = Math.ceil(s / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
}

const LSF_UNITS = { KB: 1024 * 1024, MB: 1024, GB: 1, TB: 1 / 1024 };

function int(value) {
  return /^\s*\d+\s*$/.test(String(value)) ? parseInt(value, 10) : NaN;
}

// The choices a fresh form starts with (the templates page's serial job).
export function defaults(facts) {
  const part = facts.partitions.find((p) => p.default) || facts.partitions[0];
  return {
    scheduler: facts.scheduler === "lsf" ? "lsf" : "slurm",
    partition: part.key, nodes: "1", tasks: "1", cpus: "1", gpus: "0",
    gputype: part.gpu_types[0] || "", mem: "2", time: part.default_time,
    name: "job", output: "", array: "", arraymax: "", params: "params.txt", email: "",
    modules: facts.modules.conda ? ["conda"] : [], conda: facts.conda_envs[0] || "",
    program: "python report.py", launch: "none",
  };
}

function check(facts, c, t) {
  const errors = {};
  const part = facts.partitions.find((p) => p.key === c.partition) || facts.partitions[0];
  const n = {};
  for (const [key, min] of [["nodes", 1], ["tasks", 1], ["cpus", 1], ["gpus", 0], ["mem", 1]]) {
    n[key] = int(c[key]);
    if (!(n[key] >= min)) errors[key] = t.e_int(min);
  }
  const perNode = n.tasks * n.cpus;
  if (!errors.nodes && n.nodes > part.nodes) errors.nodes = t.e_nodes(part.name, part.nodes);
  if (!errors.tasks && !errors.cpus && perNode > part.cpus_per_node) {
    errors.cpus = t.e_cpus(part.name, part.cpus_per_node, perNode);
  }
  if (!errors.gpus && n.gpus > 0 && !part.gpus_per_node) errors.gpus = t.e_nogpu(part.name);
  else if (!errors.gpus && n.gpus > part.gpus_per_node) {
    errors.gpus = t.e_gpus(part.name, part.gpus_per_node);
  }
  const maxGb = Math.floor(part.memory_mb_per_node / 1024);
  if (!errors.mem && n.mem > maxGb) errors.mem = t.e_mem(part.name, maxGb);
  const secs = seconds(c.time);
  if (secs === null || secs === 0) errors.time = t.e_timefmt;
  else if (secs > seconds(part.max_time)) errors.time = t.e_time(part.name, part.max_time);
  if (!SAFE.test(c.name)) errors.name = t.e_name;
  if (c.output && !FILENAME.test(c.output)) errors.output = t.e_output;
  const range = /^(\d+)-(\d+)$/.exec(c.array.trim());
  if (c.array.trim() && !(range && +range[1] <= +range[2])) errors.array = t.e_array;
  if (c.arraymax.trim() && !(int(c.arraymax) >= 1)) errors.arraymax = t.e_arraymax;
  if (c.params && !FILENAME.test(c.params)) errors.params = t.e_params;
  if (c.email && !/^[^\s@"'`]+@[^\s@"'`]+\.[^\s@"'`]+$/.test(c.email)) errors.email = t.e_email;
  if (c.conda && !SAFE.test(c.conda)) errors.conda = t.e_conda;
  if (!c.program.trim() || /["'`\\\n]/.test(c.program)) errors.program = t.e_program;
  if (c.launch === "none" && (n.nodes > 1 || n.tasks > 1)) errors.launch = t.e_launch_none;
  if (c.scheduler === "lsf" && c.launch === "torchrun" && n.nodes > 1) {
    errors.launch = t.e_launch_lsf_nodes;
  }
  if (c.launch === "blaunch" && n.nodes < 2) errors.launch = t.e_launch_blaunch;
  if ((c.launch === "torchrun" || c.launch === "blaunch") && !/^python \S+\.py( |$)/.test(c.program.trim())) {
    errors.launch = t.e_launch_py;
  }
  return { errors, part, n, secs, range };
}

// "python train.py --lr 1" -> "train.py --lr 1" (what torchrun takes).
function pyScript(program) {
  return program.trim().replace(/^python\s+/, "");
}

function envLines(facts, c, t) {
  const lines = ["", "module purge"];
  for (const key of c.modules) if (facts.modules[key]) lines.push(`module load ${facts.modules[key]}`);
  if (c.conda) {
    lines.push(`eval "$(conda shell.bash hook)"  # ${t.c_hook}`, `conda activate ${c.conda}`);
  }
  return lines;
}

function slurm(facts, c, t, v) {
  const { part, n, secs, range } = v;
  const tr = c.launch === "torchrun";
  const d = (opt, note) => `#SBATCH ${opt}` + (note ? `  # ${note}` : "");
  const lines = ["#!/bin/bash", d(`--job-name=${c.name}`), d(`--partition=${part.name}`)];
  if (range) {
    const count = +range[2] - +range[1] + 1;
    lines.push(d(`--array=${c.array.trim()}${c.arraymax ? "%" + int(c.arraymax) : ""}`, t.c_array(count, c.arraymax && int(c.arraymax))));
  }
  if (c.launch !== "none") lines.push(d(`--nodes=${n.nodes}`, t.c_nodes));
  if (c.launch === "srun") lines.push(d(`--ntasks-per-node=${n.tasks}`, t.c_tpn));
  if (tr && n.nodes > 1) lines.push(d("--ntasks-per-node=1", t.c_onetr));
  if (n.gpus) {
    const type = c.gputype && part.gpu_types.includes(c.gputype) ? `${c.gputype}:` : "";
    lines.push(d(`--gres=gpu:${type}${n.gpus}`, t.c_gres));
  }
  if (c.launch === "none" || (tr && n.nodes === 1)) lines.push(d("--ntasks=1"));
  lines.push(tr ? d(`--cpus-per-task=${n.tasks * n.cpus}`, t.c_cpus_tr(n.tasks, n.cpus)) : d(`--cpus-per-task=${n.cpus}`, t.c_cpus));
  lines.push(d(`--mem=${n.mem}G`, t.c_mem), d(`--time=${slurmTime(secs)}`, t.c_time));
  lines.push(c.output ? d(`--output=${c.output}`) : d(`--output=${range ? "%x-%A_%a.out" : "%x-%j.out"}`, t.c_out(range)));
  if (c.email) lines.push(d("--mail-type=END,FAIL", t.c_mail), d(`--mail-user=${c.email}`));
  lines.push(...envLines(facts, c, t), "");

  let program = c.program.trim();
  if (range && c.params) {
    lines.push(`args=$(sed -n "\${SLURM_ARRAY_TASK_ID}p" ${c.params})  # ${t.c_args}`);
    program += " $args";
  }
  const multi = c.launch === "srun" || (tr && n.nodes > 1);
  if (multi) {
    lines.push(`MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)  # ${t.c_master}`,
      "export MASTER_ADDR", "export MASTER_PORT=$((20000 + SLURM_JOB_ID % 10000))");
  }
  const omp = tr ? String(n.cpus) : n.cpus === 1 ? "1" : "$SLURM_CPUS_PER_TASK";
  lines.push(`export OMP_NUM_THREADS=${omp}` + (omp === "1" ? "" : `  # ${t.c_omp}`));
  if (range && c.params) lines.push("# shellcheck disable=SC2086");
  if (multi) lines.push("");
  const srun = `srun --cpus-per-task="$SLURM_CPUS_PER_TASK"`;
  if (c.launch === "srun") lines.push(`${srun} ${program}  # ${t.c_srun}`);
  else if (tr && n.nodes > 1) {
    lines.push(`# ${t.c_srun}`, `${srun} torchrun \\`,
      '    --nnodes="$SLURM_NNODES" \\', `    --nproc-per-node=${n.tasks} \\`,
      '    --rdzv-id="$SLURM_JOB_ID" \\', "    --rdzv-backend=c10d \\",
      '    --rdzv-endpoint="$MASTER_ADDR:$MASTER_PORT" \\', `    ${pyScript(program)}`);
  } else if (tr) lines.push(`torchrun --standalone --nproc-per-node=${n.tasks} ${pyScript(program)}  # ${t.c_torchrun}`);
  else lines.push(program);
  return lines;
}

function lsf(facts, c, t, v) {
  const { part, n, secs, range } = v;
  const d = (opt, note) => `#BSUB ${opt}` + (note ? `  # ${note}` : "");
  const perHost = n.tasks * n.cpus;
  const slots = perHost * n.nodes;
  const lines = ["#!/bin/bash"];
  if (range) {
    const count = +range[2] - +range[1] + 1;
    const max = c.arraymax ? "%" + int(c.arraymax) : "";
    lines.push(d(`-J "${c.name}[${c.array.trim()}]${max}"`, t.c_array(count, c.arraymax && int(c.arraymax))));
  } else lines.push(d(`-J ${c.name}`));
  lines.push(d(`-q ${part.name}`));
  const gpu = n.gpus ? [d(`-gpu "num=${n.gpus}"`, t.c_gres)] : [];
  if (n.nodes > 1) {
    lines.push(d(`-n ${slots}`, t.c_n), d(`-R "span[ptile=${perHost}]"`, t.c_ptile), ...gpu);
  } else {
    lines.push(...gpu, d(`-n ${slots}`, slots > 1 ? t.c_n : ""));
    if (slots > 1) lines.push(d('-R "span[hosts=1]"', t.c_span1));
  }
  const unit = LSF_UNITS[String(facts.lsf.unit_for_limits).toUpperCase()] || 1024;
  // Several slots: the memory per host, said so (/host), as the templates write it, so the
  // figure means the same whether the centre reserves per slot (RESOURCE_RESERVE_PER_TASK)
  // or per host. One slot: the bare figure in LSF_UNIT_FOR_LIMITS.
  const perSlot = slots > 1 ? false : facts.lsf.reserve_per_task;
  const mem = slots > 1
    ? (Number.isInteger(n.mem) ? `${n.mem}GB/host` : `${Math.ceil(n.mem * 1024)}MB/host`)
    : Math.ceil(n.mem * unit);
  lines.push(d(`-R "rusage[mem=${mem}]"`, t.c_rusage(perSlot)), d(`-W ${lsfTime(secs)}`, t.c_W));
  lines.push(c.output ? d(`-o ${c.output}`) : d(`-o ${c.name}.%J${range ? ".%I" : ""}.out`, t.c_lsf_o(range)));
  if (c.email) lines.push(d("-N", t.c_mailN), d(`-u ${c.email}`, t.c_u));
  lines.push(...envLines(facts, c, t), "");

  let program = c.program.trim();
  if (range && c.params) {
    lines.push(`args=$(sed -n "\${LSB_JOBINDEX}p" ${c.params})  # ${t.c_args}`);
    program += " $args";
  }
  if (c.launch === "blaunch") {
    lines.push(`read -r -a hosts <<< "$(echo "$LSB_HOSTS" | tr ' ' '\\n' | uniq | tr '\\n' ' ')"  # ${t.c_hosts}`);
  }
  const threads = c.launch === "none" ? (slots === 1 ? "1" : "$LSB_DJOB_NUMPROC") : String(n.cpus);
  lines.push(`export OMP_NUM_THREADS=${threads}` + (threads === "1" ? "" : `  # ${t.c_omp}`));
  if (range && c.params) lines.push("# shellcheck disable=SC2086");
  if (c.launch === "blaunch") {
    lines.push("", `# ${t.c_blaunch}`, 'blaunch -z "${hosts[*]}" torchrun \\', '    --nnodes="${#hosts[@]}" \\',
      `    --nproc-per-node=${n.tasks} \\`, '    --rdzv-id="$LSB_JOBID" \\', "    --rdzv-backend=c10d \\",
      '    --rdzv-endpoint="${hosts[0]}:$((20000 + LSB_JOBID % 10000))" \\', `    ${pyScript(program)}`);
  } else if (c.launch === "torchrun") {
    lines.push(`torchrun --standalone --nproc-per-node=${n.tasks} ${pyScript(program)}  # ${t.c_torchrun}`);
  } else lines.push(program);
  return lines;
}

export function generate(facts, choices, lang = "en") {
  const t = TEXT[lang] || TEXT.en;
  const c = { ...defaults(facts), ...choices };
  if (!LAUNCHES[c.scheduler].includes(c.launch)) c.launch = "none";
  const v = check(facts, c, t);
  if (Object.keys(v.errors).length) return { script: null, errors: v.errors };
  const lines = (c.scheduler === "lsf" ? lsf : slurm)(facts, c, t, v);
  return { script: lines.join("\n") + "\n", errors: {} };
}

// ---- the form -------------------------------------------------------------

const FIELDS = [
  ["scheduler", "select"], ["partition", "select"], ["nodes", "number"], ["tasks", "number"],
  ["cpus", "number"], ["gpus", "number"], ["gputype", "select"], ["mem", "number"],
  ["time", "text"], ["name", "text"], ["output", "text"], ["array", "text"],
  ["arraymax", "number"], ["params", "text"], ["email", "email"], ["modules", "checks"],
  ["conda", "text"], ["program", "text"], ["launch", "select"],
];

function el(tag, attrs = {}, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...kids);
  return node;
}

function options(select, pairs, value) {
  select.replaceChildren(...pairs.map(([v, label]) => el("option", { value: v }, label)));
  if (pairs.some(([v]) => v === value)) select.value = value;
}

function mount(root, facts, lang) {
  const t = TEXT[lang] || TEXT.en;
  const start = defaults(facts);
  const form = el("form", { class: "jg-form", novalidate: "" });
  const inputs = {};
  const notes = {};
  for (const [key, kind] of FIELDS) {
    const id = `jg-${key}`;
    const note = el("p", { class: "jg-error", id: `${id}-error`, "aria-live": "polite" });
    let field;
    if (kind === "checks") {
      field = el("fieldset", { id, class: "jg-field" }, el("legend", {}, t.modules));
      for (const [mkey, mname] of Object.entries(facts.modules)) {
        const box = el("input", { type: "checkbox", name: "jg-module", value: mkey, id: `${id}-${mkey}` });
        box.checked = start.modules.includes(mkey);
        field.append(el("label", { class: "jg-check", for: box.id }, box, ` ${mname}`));
      }
      field.append(note);
      inputs[key] = field;
    } else {
      const input = kind === "select" ? el("select", { id }) : el("input", { id, type: kind === "number" ? "number" : kind });
      if (kind === "number") input.setAttribute("min", key === "gpus" ? "0" : "1");
      input.setAttribute("aria-describedby", note.id);
      if (kind !== "select") input.value = start[key];
      if (key === "conda") {
        input.setAttribute("list", "jg-conda-envs");
        form.append(el("datalist", { id: "jg-conda-envs" }, ...facts.conda_envs.map((e) => el("option", { value: e }))));
      }
      field = el("div", { class: "jg-field" }, el("label", { for: id }, key === "partition" ? `${t.partition} / ${t.queue}` : t[key]), input, note);
      inputs[key] = input;
    }
    notes[key] = note;
    form.append(field);
  }
  options(inputs.scheduler, [["slurm", "Slurm"], ["lsf", "LSF"]], start.scheduler);
  options(inputs.partition, facts.partitions.map((p) => [p.key, p.name]), start.partition);

  const code = el("code", { id: "jg-script" });
  const pre = el("pre", { class: "jg-script", tabindex: "0" }, code);
  const copy = el("button", { type: "button", id: "jg-copy", class: "md-button" }, t.copy);
  const save = el("button", { type: "button", id: "jg-download", class: "md-button" }, t.download);
  const blocked = el("p", { id: "jg-blocked", class: "jg-error", role: "alert" });
  const out = el("div", { class: "jg-output" }, el("div", { class: "jg-buttons" }, copy, save), blocked, pre);
  root.replaceChildren(form, out);

  function read() {
    const c = {};
    for (const [key, kind] of FIELDS) {
      c[key] = kind === "checks"
        ? [...inputs[key].querySelectorAll("input:checked")].map((b) => b.value)
        : inputs[key].value;
    }
    return c;
  }

  const shown = { partition: start.partition, type: start.gputype, sched: start.scheduler };
  function refresh() {
    const sched = inputs.scheduler.value;
    const part = facts.partitions.find((p) => p.key === inputs.partition.value);
    options(inputs.launch, LAUNCHES[sched].map((k) => [k, t[k]]), inputs.launch.value || "none");
    const types = part.gpu_types.map((g) => [g, g]).concat([["", t.anytype]]);
    // A new partition starts with its own GPU type; "any type" stays a choice.
    if (part.key !== shown.partition) shown.type = part.gpu_types[0] || "";
    else if (shown.sched !== "lsf") shown.type = inputs.gputype.value;
    Object.assign(shown, { partition: part.key, sched });
    options(inputs.gputype, sched === "lsf" ? [["", t.lsfgpu]] : types, shown.type);
    inputs.gputype.disabled = sched === "lsf";
    const { script, errors } = generate(facts, read(), lang);
    for (const [key] of FIELDS) {
      notes[key].textContent = errors[key] || "";
      if (inputs[key].setAttribute) inputs[key].setAttribute("aria-invalid", errors[key] ? "true" : "false");
    }
    code.textContent = script || "";
    pre.hidden = !script;
    copy.disabled = save.disabled = !script;
    blocked.textContent = script ? "" : t.fixfirst;
    root.dataset.state = script ? "ok" : "error";
  }

  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  form.addEventListener("submit", (e) => e.preventDefault());
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(code.textContent);
    } catch {
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      document.execCommand("copy");
    }
    copy.textContent = t.copied;
    setTimeout(() => (copy.textContent = t.copy), 1500);
  });
  save.addEventListener("click", () => {
    const blob = new Blob([code.textContent], { type: "text/x-shellscript" });
    const a = el("a", { href: URL.createObjectURL(blob), download: `${inputs.name.value || "job"}.${inputs.scheduler.value === "lsf" ? "lsf" : "sh"}` });
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(a.href);
  });
  refresh();
}

const root = typeof document !== "undefined" && document.getElementById("jobgen");
if (root) {
  const lang = (document.documentElement.lang || "en").slice(0, 2);
  fetch(new URL("jobgen-facts.json", import.meta.url))
    .then((r) => r.json())
    .then((facts) => {
      window.hpcJobgen = { facts, generate: (choices, l = lang) => generate(facts, choices, l), defaults: () => defaults(facts) };
      mount(root, facts, lang);
    });
}
