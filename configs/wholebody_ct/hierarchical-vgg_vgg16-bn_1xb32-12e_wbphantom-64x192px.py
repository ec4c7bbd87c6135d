# Nguyen & Kim's hierarchical VGG, CPU-sized, on the whole-body phantoms:
# 64 x 192 inputs (the phantoms' 1:3 aspect: neither squashed nor padded),
# random init (no downloads), AdamW one-cycle 2e-3, 12 epochs, batch 32,
# bf16 + channels-last. Every phantom config in this folder uses this
# schedule (the "one schedule" of the comparison in ./README.md).
#   python tools/dataset_converters/generate_wholebody_phantom.py \
#       data/wholebody_phantom --num-train 600 --num-val 150 --num-test 200
#   python tools/train.py configs/wholebody_ct/hierarchical-vgg_vgg16-bn_1xb32-12e_wbphantom-64x192px.py
_base_ = [
    '../_base_/models/hierarchical_vgg16_bn.py',
    '../_base_/datasets/wholebody-phantom_64x192px.py',
    '../_base_/schedules/adamw_onecycle_12e_cpu.py',
    '../_base_/default_runtime.py',
]
model = dict(
    data_preprocessor=dict(channels_last=True),
    # the flattened side connections are sized for the 192 x 64 input
    neck=dict(input_size=(192, 64)),
    # flattened block 5 at 192 x 64: 512 x 6 x 2 = 6144, + 2 x 256
    head=dict(in_channels=6656, age_mean={{_base_.age_mean}},
              age_std={{_base_.age_std}}),
    channels_last=True)
