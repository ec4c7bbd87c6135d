# Nguyen & Kim, "Automatic Whole-body Bone Age Assessment Using Deep
# Hierarchical Features" (reported 4.856 years MAE on 244 test images):
# VGG-16-BN whose pooled blocks 3 and 4 feed 256-unit FC connections,
# concatenated with the flattened block 5, three FC layers, one output.
# Resize 256 (squashed) -> random crop 224 -> flip; Adam 3e-4, x0.8 after 10
# epochs without validation improvement; 130 epochs; batch 256.
# ImageNet weights from a local file (no downloads), e.g.:
#   --cfg-options model.backbone.init_cfg.checkpoint=checkpoints/vgg16_bn.pth
# where checkpoints/vgg16_bn.pth is mmpretrain's vgg16bn ImageNet checkpoint.
# Data: WholeBodyCTDataset layout under data/wholebody_ct (train/val/test;
# the paper had no validation split: select on val, report test).
_base_ = [
    '../_base_/models/hierarchical_vgg16_bn.py',
    '../_base_/datasets/wholebody-ct_224px.py',
    '../_base_/schedules/adam_plateau_130e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(init_cfg=dict(
        type='Pretrained', prefix='backbone',
        checkpoint='checkpoints/vgg16_bn_batch256_imagenet_20210208-7e55cd29.pth')),
    # the paper's age range (8 months to 87 years); override with your
    # training split's mean / std
    head=dict(age_mean=45., age_std=20.))
