# CPU-sized hand segmenter: mmdet Mask R-CNN, ResNet-18-FPN (random init),
# one class, phantom v2 at 256 px (hands, second hands, tags, markers).
#   python tools/dataset_converters/generate_phantom.py data/phantom_v2 \
#       --style v2 --num-train 800 --num-val 100 --num-test 200
#   python tools/train.py configs/hand_seg/mask-rcnn_r18_fpn_1xb8-12e_phantom-v2-256px.py
_base_ = [
    '../_base_/models/mask_rcnn_r18_fpn_hand.py',
    '../_base_/datasets/phantom-v2_hand-seg_256px.py',
    '../_base_/schedules/sgd_hand_seg_12e.py',
    '../_base_/default_runtime.py',
]
# Detection checkpoints: keep the best segm mAP, not bone_age/MAE.
default_hooks = dict(
    checkpoint=dict(save_best='coco/segm_mAP', rule='greater'),
    logger=dict(interval=20))
visualizer = dict(_delete_=True, _scope_='mmdet', type='DetLocalVisualizer',
                  vis_backends=[dict(type='LocalVisBackend')])
