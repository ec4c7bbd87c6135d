import pytest
import torch
import torch.nn as nn

from baa_mm.engine import Bf16OptimWrapper
from baa_mm.engine.optim_wrappers import bf16_optim_wrapper
from baa_mm.utils import cpu_has_fast_bf16


def _model_and_wrapper(**kwargs):
    model = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
    wrapper = Bf16OptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1), **kwargs)
    return model, wrapper


def test_bf16_autocast_on_cpu_and_fp32_params():
    model, wrapper = _model_and_wrapper(cpu_fallback=False)
    x = torch.randn(4, 8)
    with wrapper.optim_context(model):
        out = model(x)
    assert out.dtype == torch.bfloat16
    before = model[0].weight.detach().clone()
    wrapper.update_params(out.float().pow(2).mean())
    assert model[0].weight.dtype == torch.float32
    assert not torch.equal(before, model[0].weight)
    assert wrapper._device_type() == 'cpu'


@pytest.mark.parametrize('fast', [True, False])
def test_cpu_without_fast_bf16_trains_in_fp32_and_says_so(
        fast, monkeypatch):
    monkeypatch.setattr(bf16_optim_wrapper, 'cpu_has_fast_bf16',
                        lambda: fast)
    logged = []
    monkeypatch.setattr(bf16_optim_wrapper, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    model, wrapper = _model_and_wrapper()
    for _ in range(2):
        with wrapper.optim_context(model):
            out = model(torch.randn(4, 8))
    assert wrapper.uses_bf16() is fast
    assert out.dtype == (torch.bfloat16 if fast else torch.float32)
    # once, not per step
    assert len(logged) == (0 if fast else 1)
    assert all('no fast bf16' in msg and 'cpu_fallback' in msg
               for msg in logged)


def test_cpu_has_fast_bf16_answers_a_bool():
    assert isinstance(cpu_has_fast_bf16(), bool)
