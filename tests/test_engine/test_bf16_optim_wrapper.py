import torch
import torch.nn as nn

from baa_mm.engine import Bf16OptimWrapper


def test_bf16_autocast_on_cpu_and_fp32_params():
    model = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
    wrapper = Bf16OptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    x = torch.randn(4, 8)
    with wrapper.optim_context(model):
        out = model(x)
    assert out.dtype == torch.bfloat16
    before = model[0].weight.detach().clone()
    wrapper.update_params(out.float().pow(2).mean())
    assert model[0].weight.dtype == torch.float32
    assert not torch.equal(before, model[0].weight)
    assert wrapper._device_type() == 'cpu'
