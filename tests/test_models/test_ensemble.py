"""BoneAgeEnsemble: members load their checkpoints and are averaged."""
import pytest
import torch
from mmengine.runner import save_checkpoint

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules

MEMBER = dict(
    type='BoneAgeRegressor',
    backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18,
                  in_channels=1, out_indices=(3, )),
    neck=dict(_scope_='mmpretrain', type='GlobalAveragePooling'),
    head=dict(type='BoneAgeRegressionHead', in_channels=512,
              age_mean=100., age_std=40.))


def test_ensemble_is_the_mean_of_its_members(tmp_path):
    register_all_modules()
    members, paths = [], []
    for seed in range(2):
        torch.manual_seed(seed)
        m = MODELS.build(MEMBER)
        m.init_weights()
        with torch.no_grad():  # make the members differ clearly
            m.head.mlp[-1].bias.fill_(seed)
        m.eval()
        path = str(tmp_path / f'm{seed}.pth')
        save_checkpoint(dict(state_dict=m.state_dict(), meta=dict(seed=seed)),
                        path)
        members.append(m)
        paths.append(path)
    ens = MODELS.build(dict(type='BoneAgeEnsemble', model=MEMBER,
                            checkpoints=paths)).eval()
    ens.init_weights()  # must not re-initialise the loaded members
    x = torch.rand(2, 1, 64, 64)
    sex = torch.tensor([0, 1])
    expected = (members[0](x, sex=sex) + members[1](x, sex=sex)) / 2
    torch.testing.assert_close(ens(x, sex=sex), expected)
    out = ens(x, [BoneAgeDataSample(), BoneAgeDataSample()], sex,
              mode='predict')
    torch.testing.assert_close(torch.stack([s.pred_age for s in out]),
                               expected)
    assert out[0].member_ages.shape == (2, )
    with pytest.raises(RuntimeError, match='testing'):
        ens(x, out, sex, mode='loss')


def test_ensemble_errors(tmp_path):
    register_all_modules()
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        MODELS.build(dict(type='BoneAgeEnsemble', model=MEMBER,
                          checkpoints=[str(tmp_path / 'nope.pth')]))
    with pytest.raises(ValueError, match='at least one'):
        MODELS.build(dict(type='BoneAgeEnsemble', model=MEMBER,
                          checkpoints=[]))
