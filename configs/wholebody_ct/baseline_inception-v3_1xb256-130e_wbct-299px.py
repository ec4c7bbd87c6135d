# The fine-tuned GoogLeNet/Inception baseline (Nguyen & Kim: 5.522 years):
# Inception-v3 (timm via mmpretrain's TIMMBackbone), resize 331 -> random
# crop 299, global average pooling and a single linear output. ImageNet
# weights: convert timm's checkpoint to a local file
# (tools/model_converters/timm_to_baa_mm.py) and pass it as the backbone's
# init_cfg (as configs/attention_roi/baseline_inception-v3-in1k_*.py).
_base_ = [
    '../_base_/models/hierarchical_vgg16_bn.py',
    '../_base_/datasets/wholebody-ct_299px.py',
    '../_base_/schedules/adam_plateau_130e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(_delete_=True, _scope_='mmpretrain', type='TIMMBackbone',
                  model_name='inception_v3', pretrained=False,
                  num_classes=0, global_pool=''),
    neck=dict(_delete_=True, _scope_='mmpretrain',
              type='GlobalAveragePooling'),
    head=dict(in_channels=2048, hidden_dims=(), dropout=0.))
