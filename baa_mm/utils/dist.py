"""Distributed set-up that also works on machines without a GPU."""
import os

import torch
import torch.distributed as dist

__all__ = ['init_cpu_process_group']


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
