import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.optim import OneCycleLR

from baa_mm.engine import mmengine_checkpoint_globals


def test_message_hub_checkpoint_loads_weights_only(tmp_path):
    buf = HistoryBuffer()
    buf.update(np.float64(1.5))
    buf.update(2.5)
    opt = torch.optim.AdamW([torch.nn.Parameter(torch.ones(2))])
    sched = OneCycleLR(opt, eta_max=0.1, total_steps=10)
    ckpt = dict(state_dict={'w': torch.ones(2)},
                optimizer=opt.state_dict(),
                param_schedulers=[sched.state_dict()],
                message_hub=dict(log_scalars={'loss': buf},
                                 runtime_info={'iter': np.int64(3),
                                               'arr': np.arange(3)}))
    path = tmp_path / 'ckpt.pth'
    torch.save(ckpt, path)
    if hasattr(torch.serialization, 'safe_globals'):
        with pytest.raises(pickle.UnpicklingError,
                           match='Weights only load failed'):
            torch.load(path, weights_only=True)
    with mmengine_checkpoint_globals():
        loaded = torch.load(path, weights_only=True)
    assert loaded['message_hub']['log_scalars']['loss'].mean() == 2.0
    assert loaded['message_hub']['runtime_info']['iter'] == 3
    sched2 = OneCycleLR(opt, eta_max=0.1, total_steps=10)
    sched2.load_state_dict(loaded['param_schedulers'][0])
    assert sched2.anneal_func(0., 1., 0.5) == pytest.approx(0.5)
    # the allow-list is scoped to the block
    if hasattr(torch.serialization, 'safe_globals'):
        with pytest.raises(pickle.UnpicklingError,
                           match='Weights only load failed'):
            torch.load(path, weights_only=True)


class NotAllowListed:
    pass


def test_arbitrary_globals_stay_blocked(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'x': NotAllowListed()}, path)
    with mmengine_checkpoint_globals():
        with pytest.raises(pickle.UnpicklingError,
                           match='Weights only load failed'):
            torch.load(path, weights_only=True)
