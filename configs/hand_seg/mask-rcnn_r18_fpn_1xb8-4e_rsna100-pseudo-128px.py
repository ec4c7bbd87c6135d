# CPU-sized hand segmenter trained on automatic masks of real radiographs
# (rsna100 thumbnails, 3,000 train / 300 val; the 37 full-size images and
# the 100 outlined ones are held out), 128 px, 4 epochs (lr / 10 after 3).
# Its real test is on full-size radiographs against manual outlines:
#   python tools/analysis_tools/eval_hand_segmenter.py CONFIG CKPT \
#       --img-dir ../shared/data/rsna_fullsize/images \
#       --poly-dir ../shared/data/rsna_fullsize/annotations/hand_polygons
_base_ = [
    '../_base_/models/mask_rcnn_r18_fpn_hand.py',
    '../_base_/datasets/rsna100_pseudo_hand_seg.py',
    '../_base_/schedules/sgd_hand_seg_12e.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(
    checkpoint=dict(save_best='coco/segm_mAP', rule='greater'),
    logger=dict(interval=50))
visualizer = dict(_delete_=True, _scope_='mmdet', type='DetLocalVisualizer',
                  vis_backends=[dict(type='LocalVisBackend')])
model = dict(
    roi_head=dict(
        mask_head=dict(upsample_cfg=dict(type='bilinear', scale_factor=2))),
    # CPU economy, as in the phantom segmenter
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=500, max_per_img=100),
        rcnn=dict(sampler=dict(num=64))),
    test_cfg=dict(rpn=dict(max_per_img=50)))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=200),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=4, milestones=[3],
         gamma=0.1)
]
train_cfg = dict(max_epochs=4, val_interval=2)
# the first 3,000 images of the annotation file
train_dataloader = dict(dataset=dict(indices=3000))
