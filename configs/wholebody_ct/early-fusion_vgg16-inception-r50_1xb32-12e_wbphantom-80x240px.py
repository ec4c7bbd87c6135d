# Early fusion (Nguyen & Kim: 6.870 years): VGG-16-BN, Inception-v3 and
# ResNet-50 on one shared 80 x 240 input (Inception-v3's minimum; the paper
# gives each network its own size), pooled features concatenated, the
# hierarchical VGG's regression network; the phantom schedule.
_base_ = [
    '../_base_/models/early_fusion_vgg16-inception-r50.py',
    '../_base_/datasets/wholebody-phantom_80x240px.py',
    '../_base_/schedules/adamw_onecycle_12e_cpu.py',
    '../_base_/default_runtime.py',
]
model = dict(
    data_preprocessor=dict(channels_last=True),
    head=dict(age_mean={{_base_.age_mean}}, age_std={{_base_.age_std}}),
    channels_last=True)
