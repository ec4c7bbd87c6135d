"""Loading mmengine checkpoints under ``torch.load(weights_only=True)``.

torch>=2.6 loads with ``weights_only=True`` by default.  A Runner checkpoint
written by mmengine 0.10.7 also holds the message hub (``HistoryBuffer``
objects whose statistics are numpy scalars/arrays), so ``--resume`` and
``load_from`` fail with ``UnpicklingError: Weights only load failed``.

Rather than switching to ``weights_only=False`` (which would execute arbitrary
pickled code from a checkpoint), :func:`mmengine_checkpoint_globals` allow-lists
exactly the globals such a checkpoint needs, for the duration of a ``with``
block.  ``builtins.getattr`` is needed because ``HistoryBuffer`` pickles its
statistics methods as ``getattr(HistoryBuffer, name)``; with the restricted
unpickler it can only reach attributes of allow-listed objects.
``OneCycleParamScheduler`` is listed because its state dict holds its static
annealing function (pickled as an attribute of the class); it is the only
mmengine scheduler that stores a function.
"""
import builtins
import contextlib
import functools
import os.path as osp
from typing import Iterator, List, Tuple

import numpy as np
import torch

__all__ = [
    'mmengine_checkpoint_globals', 'checkpoint_safe_globals',
    'load_local_checkpoint'
]


def _numpy_globals() -> List:
    """numpy objects a pickled scalar/array refers to (numpy 1.x and 2.x)."""
    try:
        from numpy._core import multiarray  # numpy>=2
    except ImportError:  # pragma: no cover - numpy 1.x
        from numpy.core import multiarray
    objs = [multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype]
    for name in ('Float64DType', 'Float32DType', 'Int64DType', 'Int32DType',
                 'BoolDType'):
        dtype_cls = getattr(getattr(np, 'dtypes', None), name, None)
        if dtype_cls is not None:
            objs.append(dtype_cls)
    return objs


def _mmengine_globals() -> List:
    from mmengine.logging.history_buffer import HistoryBuffer
    from mmengine.optim.scheduler.param_scheduler import \
        OneCycleParamScheduler
    return [HistoryBuffer, OneCycleParamScheduler, builtins.getattr]


@functools.lru_cache(maxsize=None)
def checkpoint_safe_globals() -> Tuple:
    """The globals an mmengine 0.10.7 Runner checkpoint needs (imported on
    first use)."""
    return tuple(_mmengine_globals() + _numpy_globals())


@contextlib.contextmanager
def mmengine_checkpoint_globals() -> Iterator[None]:
    """Allow-list the globals of an mmengine checkpoint inside the block.

    Loading stays ``weights_only=True``; on torch<2.6 (no ``safe_globals``)
    this is a no-op.

    Example:
        >>> with mmengine_checkpoint_globals():
        ...     runner.train()  # --resume works on torch>=2.6
    """
    safe_globals = getattr(torch.serialization, 'safe_globals', None)
    if safe_globals is None:  # pragma: no cover - old torch
        yield
        return
    with safe_globals(list(checkpoint_safe_globals())):
        yield


def load_local_checkpoint(model: torch.nn.Module,
                          path: str,
                          strict: bool = False,
                          logger: str = 'current') -> dict:
    """Load a local mmengine checkpoint into ``model`` on the CPU.

    A missing file is a ``FileNotFoundError`` naming it; loading stays
    ``weights_only=True`` with :func:`mmengine_checkpoint_globals`.

    Returns:
        dict: The loaded checkpoint.
    """
    from mmengine.runner import load_checkpoint
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    with mmengine_checkpoint_globals():
        return load_checkpoint(model, path, map_location='cpu',
                               strict=strict, logger=logger)
