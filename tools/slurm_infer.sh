#!/usr/bin/env bash
# Inference over an archive on a slurm cluster: each task takes a shard of
# the inputs, rank 0 writes one --out file in input order; a killed job
# resumes when submitted again with the same inputs and --out.
# Usage: bash tools/slurm_infer.sh PARTITION JOB_NAME CONFIG CHECKPOINT INPUTS... --out OUT [infer.py args]
# Environment: GPUS (8), GPUS_PER_NODE (8), CPUS_PER_TASK (5), SRUN_ARGS,
# PYTHON (default python).
set -x
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
CHECKPOINT=$4
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PYTHON=${PYTHON:-python}

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    --gres=gpu:"${GPUS_PER_NODE}" \
    --ntasks="${GPUS}" \
    --ntasks-per-node="${GPUS_PER_NODE}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    "${PYTHON}" -u "$(dirname "$0")/infer.py" "${CONFIG}" "${CHECKPOINT}" \
    --launcher=slurm "${@:5}"
