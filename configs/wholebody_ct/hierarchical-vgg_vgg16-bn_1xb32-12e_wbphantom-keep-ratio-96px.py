# The hierarchical VGG on 96 x 96 phantoms, keep-ratio (the squash vs keep-ratio
# comparison of ./README.md; the paper does not say which it used).
_base_ = [
    '../_base_/models/hierarchical_vgg16_bn.py',
    '../_base_/datasets/wholebody-phantom_keep-ratio-96px.py',
    '../_base_/schedules/adamw_onecycle_12e_cpu.py',
    '../_base_/default_runtime.py',
]
model = dict(
    data_preprocessor=dict(channels_last=True),
    neck=dict(input_size=96),
    # flattened block 5 at 96 x 96: 512 x 3 x 3 = 4608, + 2 x 256
    head=dict(in_channels=5120, age_mean={{_base_.age_mean}},
              age_std={{_base_.age_std}}),
    channels_last=True)
