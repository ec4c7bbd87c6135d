# What makes the published hand segmenter CPU-sized, as a variable that the
# R-18 bases merge into their Mask R-CNN (`model = {{_base_...}}` or
# `segmenter={{_base_...}}`): a ResNet-18-FPN with 64 channels, a 2-conv mask
# head with bilinear upsampling, fewer proposals and RoI samples (measured
# 3.3 -> 2.1 s per 16-image end-to-end step and 2.1 -> 1.7 s per 8-image
# segmenter step on 2 CPU cores).
mask_rcnn_r18_fpn_cpu = dict(
    backbone=dict(depth=18),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64),
        bbox_head=dict(in_channels=64, fc_out_channels=256),
        mask_roi_extractor=dict(out_channels=64),
        mask_head=dict(
            num_convs=2,
            in_channels=64,
            conv_out_channels=64,
            upsample_cfg=dict(type='bilinear', scale_factor=2))),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=500, max_per_img=100),
        rcnn=dict(sampler=dict(num=64))),
    test_cfg=dict(rpn=dict(max_per_img=50)))
