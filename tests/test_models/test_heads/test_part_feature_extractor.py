"""PartFeatureExtractor: res5 for every part, or the stage of each part's
selection level (the paper's reading)."""
import pytest
import torch

from baa_mm.registry import MODELS
from baa_mm.utils import register_all_modules


def _extractor(**kw):
    register_all_modules()
    cfg = dict(
        type='PartFeatureExtractor',
        crop_size=32,
        backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18,
                      in_channels=1, out_indices=(3, )))
    cfg.update(kw)
    return MODELS.build(cfg).eval()


def test_res5_for_every_part_by_default():
    ext = _extractor()
    assert ext.part_levels is None and ext.level_proj is None
    crops = torch.randn(6, 1, 32, 32)
    feats, ages = ext(crops, 3)
    assert feats.shape == (2, 3, 512) and ages.shape == (2, 3)
    expected = ext.pool(ext.backbone(crops)[-1]).flatten(1)
    torch.testing.assert_close(feats.reshape(6, -1), expected)


def test_each_part_takes_the_stage_of_its_level():
    ext = _extractor(part_levels=(0, 1, 2),
                     backbone=dict(_scope_='mmpretrain', type='ResNet',
                                   depth=18, in_channels=1,
                                   out_indices=(1, 2, 3)))
    # res3 (128) and res4 (256) are brought to res5's 512 by a linear map
    assert [type(p).__name__ for p in ext.level_proj] == \
        ['Linear', 'Linear', 'Identity']
    assert ext.level_proj[0].in_features == 128
    assert ext.level_proj[1].in_features == 256
    crops = torch.randn(6, 1, 32, 32)
    levels = torch.tensor([[0, 1, 2], [2, 2, 0]])
    feats, ages = ext(crops, 3, levels)
    assert feats.shape == (2, 3, 512) and ages.shape == (2, 3)
    outs = ext.backbone(crops)
    pooled = [p(ext.pool(o).flatten(1)) for p, o in zip(ext.level_proj, outs)]
    for k, level in enumerate(levels.reshape(-1).tolist()):
        torch.testing.assert_close(feats.reshape(6, -1)[k], pooled[level][k])
    # each part's age comes from its own feature
    torch.testing.assert_close(
        ages.reshape(-1), ext.age_fc(feats.reshape(6, -1)).squeeze(1))
    # the gradient reaches the stage each part used
    ext.train()
    feats, _ = ext(crops, 3, torch.zeros(2, 3, dtype=torch.long))
    feats.sum().backward()
    assert ext.level_proj[0].weight.grad.abs().sum() > 0
    unused = ext.level_proj[1].weight.grad
    assert unused is None or unused.abs().sum() == 0
    with pytest.raises(ValueError, match="needs the parts' selection"):
        ext(crops, 3)


def test_part_levels_must_index_the_outputs():
    with pytest.raises(ValueError, match=r'part_levels \(0, 1, 3\) must '
                       r'index the part CNN outputs \(widths \[128, 256, '
                       r'512\]'):
        _extractor(part_levels=(0, 1, 3),
                   backbone=dict(_scope_='mmpretrain', type='ResNet',
                                 depth=18, in_channels=1,
                                 out_indices=(1, 2, 3)))
