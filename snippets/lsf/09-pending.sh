#!/bin/bash
# test: run=bash expect="^JOBID +USER +STAT +QUEUE +FROM_HOST +JOB_NAME +SUBMIT_TIME$" expect="^[0-9]+ +\S+ +PEND +{{ cluster.partitions.debug.name }} .* second " expect="^ Job dependency condition not satisfied" timeout=60
# A job that must wait for another one, then the question: why is it pending?
first=$(bsub -J first -q {{ cluster.partitions.debug.name }} -W 5 -o first.%J.out sleep 60)
echo "$first"
id=$(echo "$first" | grep -o '[0-9]\+' | head -n 1)
bsub -J second -q {{ cluster.partitions.debug.name }} -W 5 -w "done($id)" -o second.%J.out hostname
sleep 5
bjobs -p
