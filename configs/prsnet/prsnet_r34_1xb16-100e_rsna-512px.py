# PRSNet as published (Ji et al.): ResNet-34 trunk with part relation
# modules, top-3 parts cropped from the full-resolution radiograph, a second
# ResNet-34 on the parts, SGD 1e-3 / 10 every 25 epochs, 100 epochs, batch 16
# at 512 x 512 with flips, rotation, shift and scale. Reported RSNA test MAE
# 4.49 months. The paper does not say how its ResNet-34s were initialised;
# this config starts from random weights (the model file says how to load
# local ImageNet weights instead).
#   python tools/train.py configs/prsnet/prsnet_r34_1xb16-100e_rsna-512px.py \
#       --data-root /path/to/rsna
_base_ = [
    '../_base_/models/prsnet_r34.py',
    '../_base_/datasets/rsna_bone-age-parts_512px.py',
    '../_base_/schedules/sgd_step_100e.py',
    '../_base_/default_runtime.py',
]
