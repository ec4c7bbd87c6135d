# Mask R-CNN hand segmenter as published (Wu et al.): mmdet's MaskRCNN with
# the standard ResNet-50-FPN and one class ('hand'). Random init here; for
# ImageNet weights set a local
# backbone.init_cfg=dict(type='Pretrained', checkpoint='/path/resnet50.pth').
_base_ = ['./mask_rcnn_r18_fpn_hand.py']
model = dict(
    backbone=dict(depth=50),
    neck=dict(in_channels=[256, 512, 1024, 2048], out_channels=256),
    rpn_head=dict(in_channels=256, feat_channels=256),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=256),
        bbox_head=dict(in_channels=256, fc_out_channels=1024),
        mask_roi_extractor=dict(out_channels=256),
        mask_head=dict(num_convs=4, in_channels=256, conv_out_channels=256)))
