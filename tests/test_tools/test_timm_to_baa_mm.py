"""tools/model_converters/timm_to_baa_mm.py: a timm checkpoint becomes
weights that a TIMMBackbone config loads through init_cfg=Pretrained."""
import pytest
import timm
import torch
from mmpretrain.models.backbones import TIMMBackbone

from conftest import load_tool

tool = load_tool('tools/model_converters/timm_to_baa_mm.py')


def test_converted_weights_load_into_the_backbone(tmp_path):
    torch.manual_seed(0)
    src_model = timm.create_model('resnet18', pretrained=False)  # with fc
    src = tmp_path / 'resnet18.pth'
    torch.save(src_model.state_dict(), src)
    dst = tmp_path / 'converted.pth'
    kept, dropped = tool.convert(str(src), str(dst), 'resnet18')
    assert dropped == ['fc.bias', 'fc.weight'] or sorted(dropped) == [
        'fc.bias', 'fc.weight']
    assert all(k.startswith('timm_model.') for k in kept)
    backbone = TIMMBackbone(model_name='resnet18', pretrained=False,
                            num_classes=0, global_pool='',
                            init_cfg=dict(type='Pretrained',
                                          checkpoint=str(dst)))
    backbone.init_weights()
    for name, value in src_model.state_dict().items():
        if not name.startswith('fc.'):
            torch.testing.assert_close(
                backbone.state_dict()[f'timm_model.{name}'], value)


def test_wrong_model_is_a_named_error(tmp_path):
    src = tmp_path / 'r18.pth'
    torch.save(timm.create_model('resnet18').state_dict(), src)
    with pytest.raises(SystemExit, match='lacks .* weights of resnet34'):
        tool.convert(str(src), str(tmp_path / 'x.pth'), 'resnet34')
