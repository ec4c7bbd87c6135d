# Mask R-CNN hand segmenter as published (Wu et al.): mmdet's own R-50-FPN
# Mask R-CNN, one class ('hand'). Only the differences are stated here:
# - random init with trainable BN (1-channel radiographs; for ImageNet
#   weights set a local backbone.init_cfg=dict(type='Pretrained',
#   checkpoint='/path/resnet50.pth') and mmdet's frozen_stages=1,
#   norm_eval=True);
# - one class, and fewer proposals and detections (one or two hands per
#   image instead of COCO's crowds).
# `mmdet::` bases are built in mmdet's scope (see baa_mm/registry.py).
_base_ = ['mmdet::_base_/models/mask-rcnn_r50_fpn.py']
model = dict(
    backbone=dict(frozen_stages=-1, norm_eval=False, init_cfg=None),
    roi_head=dict(
        bbox_head=dict(num_classes=1), mask_head=dict(num_classes=1)),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=1000, max_per_img=500),
        rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(
        rpn=dict(nms_pre=500, max_per_img=200), rcnn=dict(max_per_img=10)))
