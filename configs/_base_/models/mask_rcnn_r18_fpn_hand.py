# CPU-sized Mask R-CNN hand segmenter: the published R-50-FPN one made
# CPU-sized (./mask_rcnn_r18_fpn_cpu.py).
_base_ = ['./mask_rcnn_r50_fpn_hand.py', './mask_rcnn_r18_fpn_cpu.py']
model = {{_base_.mask_rcnn_r18_fpn_cpu}}
