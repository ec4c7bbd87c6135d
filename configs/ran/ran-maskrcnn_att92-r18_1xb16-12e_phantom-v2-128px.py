# CPU-sized segment-then-regress model on phantom v2 (tags, markers,
# rulers, collimation, second hands): Mask R-CNN R-18-FPN + a narrow residual
# attention network (Attention-92 layout, base width 16) with sex, 128 px,
# AdamW one-cycle, 12 epochs (about 25 min in bf16 on 2 AVX512-BF16 cores,
# about 40 min in fp32 on 2 AVX2 cores), bf16 where fast. Ablations
# in this folder change one thing each: -wo-seg (whole image), -wo-att3 (no
# Att3_2/Att3_3), -wo-att3mask (their soft masks only), -wo-sex, -joint
# (binary masks: the age loss does not reach the segmenter), -pred (train
# on the predicted hand). End to end (coupling=soft) since 2026-12-01; on
# phantom v2 (6 epochs, two seeds) -joint is better and keeps better masks
# (docs/model_zoo.md, "end to end vs jointly trained").
_base_ = [
    '../_base_/models/ran_mask_rcnn_r18_hand.py',
    '../_base_/datasets/phantom-v2_bone-age-hands_128px.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]
optim_wrapper = dict(type='Bf16OptimWrapper',
                     clip_grad=dict(max_norm=35, norm_type=2))
train_cfg = dict(max_epochs=12, val_interval=4)
default_hooks = dict(logger=dict(interval=10))
train_dataloader = dict(batch_size=16)
# test MAE and how well the segmenter found the hands: every predicted hand
# against the exact masks (primary_iou: the most confident one against the
# hand the label belongs to); annotation files are read under the evaluated
# dataset's data_root
_metrics = [
    dict(type='BoneAgeMetric'),
    dict(type='HandMaskIoUMetric', pred_key='pred_instances',
         input_pixels=True),
]
val_evaluator = [
    _metrics[0], dict(**_metrics[1], ann_file='annotations/val_hand_masks.json')
]
test_evaluator = [
    _metrics[0],
    dict(**_metrics[1], ann_file='annotations/test_hand_masks.json')
]
