"""The test cluster: a real Slurm cluster (munge, MariaDB, slurmdbd, slurmctld and
one slurmd per node) on loopback addresses of this one machine, built from cluster.yml.

``testcluster up|down|status|env`` (.venv/bin/testcluster; or ``python -m hpcdocs.testcluster``).
Modules:

- ``plan``: what to run where (nodes, addresses, ports, paths), from the facts;
- ``render``: the configuration files, modulefiles and node tools;
- ``procs``: starting, finding and stopping this cluster's processes;
- ``hosts``: the /etc/hosts entries for the node names;
- ``cluster``: up, down and status;
- ``jobs``: waiting for jobs (used by the tests and the benchmark).
"""
