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
# fp32: with bf16 autocast on this CPU (torch 2.14, no AMX) the random-init
# timm Inception-v3 gave NaN gradients within 2-6 steps, also with gradient
# clipping; in fp32 the same schedule trains. On CUDA, bf16 may be restored
# with optim_wrapper.type=AmpOptimWrapper.
optim_wrapper = dict(type='OptimWrapper')
