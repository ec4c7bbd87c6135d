# CPU-sized segment-then-regress: the R-18 hand segmenter
# (./mask_rcnn_r18_fpn_cpu.py) and a narrow residual attention network
# (Attention-92 layout, base width 16) on top of the published model.
_base_ = ['./ran_mask_rcnn_r50_hand.py', './mask_rcnn_r18_fpn_cpu.py']
model = dict(
    segmenter={{_base_.mask_rcnn_r18_fpn_cpu}},
    backbone=dict(base_channels=16),
    head=dict(in_channels=512))
