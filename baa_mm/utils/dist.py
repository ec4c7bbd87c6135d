"""Distributed set-up that also works on machines without a GPU."""
import gc
import os
from typing import Tuple

import torch
import torch.distributed as dist

__all__ = [
    'init_cpu_process_group', 'setup_launcher', 'close_process_group',
    'init_launcher'
]


def init_cpu_process_group(backend: str = 'gloo', timeout_s: int = 1800) -> bool:
    """Initialise a process group from torchrun's environment, before Runner.

    mmengine's ``pytorch`` launcher calls ``torch.cuda.set_device`` and fails
    with ``Found no NVIDIA driver`` on CPU-only machines.  The Runner skips its
    own initialisation when a process group already exists, so on CPU we
    create one here (gloo) from ``RANK``/``WORLD_SIZE``/``MASTER_ADDR``/
    ``MASTER_PORT`` set by ``torchrun``.

    Args:
        backend (str): Process group backend. Defaults to 'gloo'.
        timeout_s (int): Collective timeout in seconds.

    Returns:
        bool: True if a group was created here, False if CUDA is available
        (the Runner's launcher handles it) or a group already exists.
    """
    if torch.cuda.is_available() or (dist.is_available()
                                     and dist.is_initialized()):
        return False
    missing = [k for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
               if k not in os.environ]
    if missing:
        raise RuntimeError(
            f'--launcher pytorch needs the torchrun environment; missing '
            f'{missing}. Start with tools/dist_train.sh or torchrun.')
    import datetime
    dist.init_process_group(backend=backend,
                            timeout=datetime.timedelta(seconds=timeout_s))
    return True


def _require_pytorch_on_cpu(launcher: str, script: str) -> None:
    """Without CUDA only torchrun's launcher (gloo) works: exit otherwise."""
    if launcher != 'pytorch':
        raise SystemExit(f'error: --launcher {launcher} needs CUDA; on CPU '
                         f'use --launcher pytorch ({script}).')


def setup_launcher(cfg, launcher: str) -> None:
    """Prepare ``cfg`` (an mmengine Config, changed in place) for a launcher,
    including CPU-only machines: gloo, a pre-initialised process group and
    DDP without ``device_ids``.

    Raises:
        SystemExit: a launcher other than ``pytorch`` without CUDA.
    """
    cfg.launcher = launcher
    if 'LOCAL_RANK' not in os.environ and launcher != 'none':
        os.environ['LOCAL_RANK'] = '0'
    if launcher == 'none' or torch.cuda.is_available():
        return
    _require_pytorch_on_cpu(launcher, 'tools/dist_train.sh')
    cfg.env_cfg.setdefault('dist_cfg', {})['backend'] = 'gloo'
    init_cpu_process_group('gloo')
    # DDP on a CPU module must not get device_ids.
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper


def init_launcher(launcher: str) -> Tuple[int, int]:
    """A process group for a tool that has no Runner (inference): NCCL
    through mmengine's launchers where CUDA exists, gloo from torchrun's
    environment on CPU. Returns ``(rank, world_size)``; ``(0, 1)`` for
    ``'none'``.

    Raises:
        SystemExit: a launcher other than ``pytorch`` without CUDA.
    """
    if launcher == 'none':
        return 0, 1
    if torch.cuda.is_available():
        from mmengine.dist import init_dist
        init_dist(launcher)
    else:
        _require_pytorch_on_cpu(launcher, 'tools/dist_infer.sh')
        init_cpu_process_group('gloo')
    return dist.get_rank(), dist.get_world_size()


def close_process_group() -> None:
    """Destroy the default process group, if any, before the process ends.

    A group left to the interpreter's shutdown sometimes aborted a rank
    after a successful run (``terminate called without an active
    exception``, exit -6, no Python frame): its gloo threads were torn down
    during finalisation. Destroying the group is not enough on its own: a
    DDP model holds the group too, and the Runner keeps the model in
    reference cycles that outlive ``del runner`` until the collector runs.
    So the caller drops its Runner first, and this collects garbage (the
    DDP model goes now, while the interpreter is alive) before the barrier
    and the destruction. The tools call this at their end.
    """
    if dist.is_available() and dist.is_initialized():
        gc.collect()
        dist.barrier()
        dist.destroy_process_group()
