#!/usr/bin/env bash
# Distributed training with torchrun.  On machines without CUDA the ranks use
# gloo on CPU.  Usage: bash tools/dist_train.sh CONFIG NPROC [train.py args]
# Environment: NNODES, NODE_RANK, MASTER_ADDR, PORT, PYTHON (default: the active
# interpreter, or the project's .venv when no virtualenv is active).
CONFIG=$1
NPROC=$2
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
    "$(dirname "$0")/train.py" \
    "$CONFIG" \
    --launcher pytorch "${@:3}"
