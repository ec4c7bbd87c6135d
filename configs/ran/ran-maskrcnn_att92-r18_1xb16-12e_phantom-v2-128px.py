# CPU-sized segment-then-regress model on phantom v2 (tags, markers,
# rulers, collimation, second hands): Mask R-CNN R-18-FPN + a narrow residual
# attention network (Attention-92 layout, base width 16) with sex, 128 px,
# AdamW one-cycle, 12 epochs (about 25 min on 2 CPU cores), bf16. Ablations
# in this folder change one thing each: -wo-seg (whole image), -wo-att3 (no Att3_2/Att3_3), -wo-sex.
_base_ = [
    '../_base_/models/ran_mask_rcnn_r50_hand.py',
    '../_base_/datasets/phantom_v2_bone_age_hands.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    segmenter=dict(
        backbone=dict(depth=18),
        neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
        rpn_head=dict(in_channels=64, feat_channels=64),
        roi_head=dict(
            bbox_roi_extractor=dict(out_channels=64),
            bbox_head=dict(in_channels=64, fc_out_channels=256),
            mask_roi_extractor=dict(out_channels=64),
            mask_head=dict(num_convs=2, in_channels=64,
                           conv_out_channels=64,
                           upsample_cfg=dict(type='bilinear',
                                             scale_factor=2))),
        # CPU economy (measured 3.3 -> 2.1 s per 16-image end-to-end step
        # on 2 cores): fewer proposals and RoI samples, bilinear mask
        # upsampling
        train_cfg=dict(
            rpn_proposal=dict(nms_pre=500, max_per_img=100),
            rcnn=dict(sampler=dict(num=64))),
        test_cfg=dict(rpn=dict(max_per_img=50))),
    backbone=dict(base_channels=16),
    head=dict(in_channels=512))
optim_wrapper = dict(type='Bf16OptimWrapper',
                     clip_grad=dict(max_norm=35, norm_type=2))
train_cfg = dict(max_epochs=12, val_interval=4)
default_hooks = dict(logger=dict(interval=10))
train_dataloader = dict(batch_size=16)
# test MAE and how well the segmenter found the hands: every predicted hand
# against the exact masks (primary_iou: the most confident one against the
# hand the label belongs to)
_metrics = [
    dict(type='BoneAgeMetric'),
    dict(type='HandMaskIoUMetric',
         ann_file='data/phantom_v2/annotations/{}_hand_masks.json',
         pred_key='pred_instances', input_pixels=True),
]
val_evaluator = [_metrics[0], {**_metrics[1], 'ann_file':
                               _metrics[1]['ann_file'].format('val')}]
test_evaluator = [_metrics[0], {**_metrics[1], 'ann_file':
                                _metrics[1]['ann_file'].format('test')}]
