"""tools/test.py --tta: the flag and the config it builds (no run)."""
import pytest
from mmengine.config import Config

from conftest import REPO, load_tool

TOOL = 'tools/test.py'
CONFIG = 'configs/baseline/baseline_r18_1xb32-12e_phantom-128px.py'


def test_tta_flag_is_parsed():
    tool = load_tool(TOOL)
    assert tool.parse_args([CONFIG, 'a.pth', '--tta']).tta is True
    assert tool.parse_args([CONFIG, 'a.pth']).tta is False


def test_default_flip_tta_config():
    tool = load_tool(TOOL)
    cfg = Config.fromfile(f'{REPO}/{CONFIG}')
    test_pipeline = cfg.test_dataloader.dataset.pipeline
    model_type = cfg.model.type
    tool.enable_tta(cfg)
    assert cfg.model.type == 'BoneAgeTTAModel'
    assert cfg.model.module.type == model_type
    pipeline = cfg.test_dataloader.dataset.pipeline
    assert pipeline[:-1] == test_pipeline[:-1]
    tta = pipeline[-1]
    assert tta.type == 'TestTimeAug'
    flips, pack = tta.transforms
    assert [f['prob'] for f in flips] == [0., 1.]  # identity first
    assert pack == [test_pipeline[-1]]


def test_config_tta_fields_win():
    tool = load_tool(TOOL)
    cfg = Config.fromfile(f'{REPO}/{CONFIG}')
    cfg.tta_model = dict(type='BoneAgeTTAModel', weights=[2., 1.])
    cfg.tta_pipeline = [dict(type='LoadRadiograph')]
    tool.enable_tta(cfg)
    assert cfg.model.weights == [2., 1.]
    assert cfg.test_dataloader.dataset.pipeline == [
        dict(type='LoadRadiograph')]


def test_unpacked_pipeline_needs_a_tta_pipeline():
    tool = load_tool(TOOL)
    cfg = Config.fromfile(f'{REPO}/{CONFIG}')
    cfg.test_dataloader.dataset.pipeline = [dict(type='LoadRadiograph')]
    with pytest.raises(SystemExit, match='tta_pipeline'):
        tool.enable_tta(cfg)


def test_flip_tta_flips_the_full_resolution_copy_too(tmp_path):
    """PRSNet crops its parts from the full-resolution copy: the flip goes
    before StoreFullResImage, so that each view's copy shows that view."""
    import cv2
    import numpy as np
    from mmcv.transforms import Compose

    from baa_mm.registry import TRANSFORMS
    from baa_mm.utils import register_all_modules
    register_all_modules()
    tool = load_tool(TOOL)
    cfg = Config.fromfile(
        f'{REPO}/configs/prsnet/prsnet_r18_1xb32-20e_phantom-64px.py')
    tool.enable_tta(cfg)
    pipeline = cfg.test_dataloader.dataset.pipeline
    assert [t['type'] for t in pipeline] == ['LoadRadiograph', 'TestTimeAug']
    slots = pipeline[-1]['transforms']
    assert [[t['type'] for t in slot] for slot in slots[1:]] == [
        ['StoreFullResImage'], ['Resize'], ['PackBoneAgeInputs']]
    img = np.zeros((96, 80), np.uint8)
    img[10:30, 5:20] = 255  # a bright block at the left
    path = str(tmp_path / '1.png')
    cv2.imwrite(path, img)
    views = Compose([TRANSFORMS.build(t) for t in pipeline])(dict(
        img_path=path, img_id='1', gt_age=10., sex=1))
    ident, flipped = (s.hr_img[0].numpy() for s in views['data_samples'])
    np.testing.assert_allclose(flipped, ident[:, ::-1])
    assert ident[20, 10] > 0.9 and flipped[20, 10] < 0.1
    inputs = [x[0].numpy() for x in views['inputs']]
    np.testing.assert_allclose(inputs[1], inputs[0][:, ::-1], atol=1e-6)
