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
