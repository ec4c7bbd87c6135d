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


def _tiny(hidden, age_mean):
    """A small regressor; ``hidden`` changes the head's weight shapes, so a
    member only loads its own checkpoint."""
    return dict(
        type='BoneAgeRegressor',
        backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18,
                      in_channels=1, base_channels=8, stem_channels=8,
                      out_indices=(3, )),
        neck=dict(_scope_='mmpretrain', type='GlobalAveragePooling'),
        head=dict(type='BoneAgeRegressionHead', in_channels=64,
                  sex_embed_dims=0, hidden_dims=(hidden, ),
                  age_mean=age_mean, age_std=10.))


def test_member_configs_one_per_checkpoint(tmp_path):
    register_all_modules()
    cfgs = [_tiny(4, 50.), _tiny(6, 150.), _tiny(4, 100.)]
    members, paths = [], []
    for k, cfg in enumerate(cfgs):
        torch.manual_seed(k)
        m = MODELS.build(cfg)
        m.init_weights()
        m.eval()
        path = str(tmp_path / f'm{k}.pth')
        save_checkpoint(dict(state_dict=m.state_dict()), path)
        members.append(m)
        paths.append(path)
    ens = MODELS.build(dict(type='BoneAgeEnsemble', model=cfgs,
                            checkpoints=paths)).eval()
    x = torch.rand(2, 1, 32, 32)
    ages = torch.stack([m(x) for m in members])  # (3, 2)
    # members of different configs: the ages sit near their age_mean
    assert ((ages.mean(1) - torch.tensor([50., 150., 100.])).abs() < 5).all()
    torch.testing.assert_close(ens(x), ages.mean(0))
    out = ens(x, [BoneAgeDataSample(), BoneAgeDataSample()], mode='predict')
    torch.testing.assert_close(out[1].member_ages, ages[:, 1])
    assert float(out[1].pred_age) == pytest.approx(float(ages[:, 1].mean()),
                                                   abs=1e-4)
    # member i is built from config i and loads checkpoint i: swapped
    # checkpoints do not fit (strict loading)
    with pytest.raises(RuntimeError, match='size mismatch'):
        MODELS.build(dict(type='BoneAgeEnsemble', model=cfgs,
                          checkpoints=[paths[1], paths[0], paths[2]]))


@pytest.mark.parametrize('n_cfgs,n_ckpts', [(2, 3), (3, 1)])
def test_member_config_count_must_match_checkpoints(tmp_path, n_cfgs,
                                                    n_ckpts):
    register_all_modules()
    with pytest.raises(ValueError, match=f'{n_cfgs} member configs for '
                       f'{n_ckpts} checkpoints'):
        MODELS.build(dict(type='BoneAgeEnsemble',
                          model=[_tiny(4, 50.)] * n_cfgs,
                          checkpoints=[str(tmp_path / f'{i}.pth')
                                       for i in range(n_ckpts)]))


def test_first_member_data_preprocessor_is_used(tmp_path):
    register_all_modules()
    cfgs = [dict(_tiny(4, 50.), data_preprocessor=dict(
        type='BoneAgeDataPreprocessor', mean=(0.2, ), std=(0.1, ))),
        _tiny(6, 150.)]
    paths = []
    for k, cfg in enumerate(cfgs):
        m = MODELS.build(cfg)
        path = str(tmp_path / f'm{k}.pth')
        save_checkpoint(dict(state_dict=m.state_dict()), path)
        paths.append(path)
    ens = MODELS.build(dict(type='BoneAgeEnsemble', model=cfgs,
                            checkpoints=paths))
    out = ens.data_preprocessor(dict(inputs=[torch.full((1, 2, 2), 0.5)]))
    torch.testing.assert_close(out['inputs'], torch.full((1, 1, 2, 2), 3.))


def test_member_weights_use_the_shared_mean(tmp_path):
    from baa_mm.evaluation import mean_age
    register_all_modules()
    cfgs = [_tiny(4, 50.), _tiny(4, 150.)]
    paths = []
    for k, cfg in enumerate(cfgs):
        m = MODELS.build(cfg)
        m.init_weights()
        path = str(tmp_path / f'm{k}.pth')
        save_checkpoint(dict(state_dict=m.state_dict()), path)
        paths.append(path)
    ens = MODELS.build(dict(type='BoneAgeEnsemble', model=cfgs,
                            checkpoints=paths, weights=[1, 3])).eval()
    x = torch.rand(2, 1, 32, 32)
    ages = ens.member_ages(x)  # (2, 2)
    expected = 0.25 * ages[0] + 0.75 * ages[1]
    torch.testing.assert_close(ens(x), expected)
    torch.testing.assert_close(mean_age(ages, [1, 3]), expected)
    out = ens(x, [BoneAgeDataSample(), BoneAgeDataSample()], mode='predict')
    assert float(out[0].pred_age) == pytest.approx(float(expected[0]),
                                                   abs=1e-4)
    with pytest.raises(ValueError, match='3 weights for 2'):
        MODELS.build(dict(type='BoneAgeEnsemble', model=cfgs,
                          checkpoints=paths, weights=[1, 1, 1]))
