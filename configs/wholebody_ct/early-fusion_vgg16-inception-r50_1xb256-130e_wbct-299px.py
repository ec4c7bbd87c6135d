# Early fusion (Nguyen & Kim: 6.870 years): VGG-16-BN, Inception-v3 and
# ResNet-50 features of one shared 299 x 299 crop, concatenated, one
# regression network. Late fusion (5.140) is not a model: test each
# baseline with --out and average the CSVs with
# tools/analysis_tools/fuse_predictions.py (./README.md).
_base_ = [
    '../_base_/models/early_fusion_vgg16-inception-r50.py',
    '../_base_/datasets/wholebody-ct_299px.py',
    '../_base_/schedules/adam_plateau_130e.py',
    '../_base_/default_runtime.py',
]
