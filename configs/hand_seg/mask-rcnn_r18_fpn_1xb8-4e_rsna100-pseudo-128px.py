# CPU-sized hand segmenter trained on automatic masks of real radiographs:
# the phantom-v2 segmenter's model and runtime on the rsna100 thumbnails
# (the first 3,000 of the training masks, 300 val; the 37 full-size images
# and the 100 outlined ones are held out), 128 px, 4 epochs (lr / 10 after
# 3; about 30 min on 2 CPU cores). Its real test is on full-size
# radiographs against manual outlines:
#   python tools/analysis_tools/eval_hand_segmenter.py CONFIG CKPT \
#       --img-dir ../shared/data/rsna_fullsize/images \
#       --poly-dir ../shared/data/rsna_fullsize/annotations/hand_polygons
# The masks are made as Wu et al. made theirs (Canny edges on equalised
# images). Layout (train/ val/ are the thumbnails, linked or in place;
# annotations/ written by the converter, held-out images excluded; see
# data/README.md):
#   data/rsna100/train/ val/ annotations/{train,val}_pseudo_hand_masks.json
#   python tools/dataset_converters/pseudo_hand_masks.py data/rsna100/train \
#       data/rsna100/annotations/train_pseudo_hand_masks.json \
#       --exclude-stems ../shared/data/rsna_fullsize/images \
#       ../shared/data/rsna_fullsize/annotations/hand_polygons
# (the same for val/ with --max-images 300). The thumbnails are squashed to
# 100 x 100, so images are resized to a square without keeping the aspect
# ratio, which also maps a full-size radiograph onto the training geometry.
_base_ = ['./mask-rcnn_r18_fpn_1xb8-12e_phantom-v2-256px.py']
data_root = 'data/rsna100'
img_scale = (128, 128)
train_pipeline = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
         with_mask=True),
    dict(_scope_='mmdet', type='Resize', scale=img_scale, keep_ratio=False,
         interpolation='area'),
    dict(_scope_='mmdet', type='RandomFlip', prob=0.5),
    dict(_scope_='mmdet', type='PackDetInputs'),
]
test_pipeline = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='Resize', scale=img_scale, keep_ratio=False,
         interpolation='area'),
    dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
         with_mask=True),
    dict(_scope_='mmdet', type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
# Selection on 300 training-mask images the model never trains on (rows
# 3,000-3,299 of the training masks); the pseudo-mask test on the val
# images (the first 300 of val/); the real test is eval_hand_segmenter.py
# against the manual outlines (above).
_train_masks = 'annotations/train_pseudo_hand_masks.json'
_test_masks = 'annotations/val_pseudo_hand_masks.json'
train_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file=_train_masks,
    data_prefix=dict(img='train/'), pipeline=train_pipeline, indices=3000))
val_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file=_train_masks,
    data_prefix=dict(img='train/'), pipeline=test_pipeline,
    indices=list(range(3000, 3300))))
test_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file=_test_masks, data_prefix=dict(img='val/'),
    pipeline=test_pipeline))
val_evaluator = [
    dict(type='HandCocoMetric', ann_file=_train_masks, metric=['bbox', 'segm'],
         format_only=False),
    dict(type='HandMaskIoUMetric', ann_file=_train_masks),
]
test_evaluator = [
    dict(type='HandCocoMetric', ann_file=_test_masks, metric=['bbox', 'segm'],
         format_only=False),
    dict(type='HandMaskIoUMetric', ann_file=_test_masks),
]
default_hooks = dict(logger=dict(interval=50))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=200),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=4, milestones=[3],
         gamma=0.1)
]
train_cfg = dict(max_epochs=4, val_interval=2)
