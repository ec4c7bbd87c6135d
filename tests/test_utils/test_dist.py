"""baa_mm.utils.dist: the process group is closed while the interpreter is
alive, with the DDP model that holds it."""
import os
import socket
import weakref

import pytest
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from baa_mm.utils import close_process_group, init_cpu_process_group


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class _Owner:
    """Holds a DDP model in a reference cycle, as a Runner does."""

    def __init__(self, model):
        self.model = model
        self.me = self


def test_close_frees_a_ddp_model_in_a_cycle_then_the_group(monkeypatch):
    for key, value in dict(RANK='0', WORLD_SIZE='1', MASTER_ADDR='127.0.0.1',
                           MASTER_PORT=str(_free_port())).items():
        monkeypatch.setenv(key, value)
    if torch.cuda.is_available():  # the helper leaves CUDA to mmengine
        dist.init_process_group('gloo')
    else:
        assert init_cpu_process_group('gloo', timeout_s=60)
    owner = _Owner(DistributedDataParallel(torch.nn.Linear(2, 1)))
    owner.model(torch.ones(3, 2)).sum().backward()
    alive = weakref.ref(owner.model)
    del owner  # the cycle keeps the model (and the group it holds)
    assert alive() is not None
    close_process_group()
    assert alive() is None
    assert not dist.is_initialized()
    close_process_group()  # no group: nothing to do


@pytest.mark.skipif(torch.cuda.is_available(),
                    reason='with CUDA the Runner (mmengine) starts the group')
def test_missing_torchrun_environment_is_named(monkeypatch):
    monkeypatch.delenv('MASTER_PORT', raising=False)
    with pytest.raises(RuntimeError, match=r"missing \[.*'MASTER_PORT'\].*"
                       r'dist_train\.sh'):
        init_cpu_process_group('gloo')
