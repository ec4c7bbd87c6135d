#!/usr/bin/env bash
# Inference with torchrun: each process takes a shard of the inputs, rank 0
# writes one --out file in input order (gloo on CPU-only machines); a run
# that was killed resumes when started again with the same inputs and --out.
# Usage: bash tools/dist_infer.sh CONFIG CHECKPOINT NPROC INPUTS... --out OUT [infer.py args]
# Environment: NNODES, NODE_RANK, MASTER_ADDR, PORT, PYTHON (default: the active
# interpreter, or the project's .venv when no virtualenv is active).
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
# Default interpreter: the active one, else the project's .venv (make env).
if [ -z "$PYTHON" ]; then
    if [ -z "$VIRTUAL_ENV" ] && [ -x "$(dirname "$0")/../.venv/bin/python" ]; then
        PYTHON="$(dirname "$0")/../.venv/bin/python"
    else
        PYTHON=python
    fi
fi

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
"$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROC" \
    --master_port="$PORT" \
    "$(dirname "$0")/infer.py" \
    "$CONFIG" \
    "$CHECKPOINT" \
    --launcher pytorch "${@:4}"
