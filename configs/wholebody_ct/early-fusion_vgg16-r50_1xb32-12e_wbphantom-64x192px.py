# A two-branch early fusion that fits the CPU budget: VGG-16-BN and
# ResNet-50 on the 64 x 192 phantoms (Inception-v3 needs 80 x 240 and, on
# this CPU, fp32: the three-branch config costs ~4x more), pooled features
# concatenated, the hierarchical VGG's regression network. Compare with
# the late fusion of the same two baselines (./README.md).
_base_ = [
    '../_base_/models/early_fusion_vgg16-inception-r50.py',
    '../_base_/datasets/wholebody-phantom_64x192px.py',
    '../_base_/schedules/adamw_onecycle_12e_cpu.py',
    '../_base_/default_runtime.py',
]
_gap = dict(_scope_='mmpretrain', type='GlobalAveragePooling')
model = dict(
    data_preprocessor=dict(channels_last=True),
    branches=[
        dict(backbone=dict(_scope_='mmpretrain', type='VGG', depth=16,
                           norm_cfg=dict(type='BN'), out_indices=(4, )),
             neck=_gap, out_channels=512),
        dict(backbone=dict(_scope_='mmpretrain', type='ResNet', depth=50,
                           out_indices=(3, )),
             neck=_gap, out_channels=2048),
    ],
    head=dict(in_channels=2560, age_mean={{_base_.age_mean}},
              age_std={{_base_.age_std}}),
    channels_last=True)
