# Automatic ("pseudo") hand masks of the rsna100 thumbnails, as Wu et al.
# trained their segmenter (Canny edges on histogram-equalised images), for
# mmdet's Mask R-CNN. Layout (train/ val/ are the thumbnails, linked or in
# place; annotations/ written by the converter, held-out images excluded):
#   data/rsna100/train/ val/ annotations/{train,val}_pseudo_hand_masks.json
#   python tools/dataset_converters/pseudo_hand_masks.py data/rsna100/train \
#       data/rsna100/annotations/train_pseudo_hand_masks.json \
#       --exclude-stems ../shared/data/rsna_fullsize/images \
#       ../shared/data/rsna_fullsize/annotations/hand_polygons
# (the same for val/ with --max-images 300). The thumbnails are squashed to
# 100 x 100, so images are resized to a square without keeping the aspect
# ratio, which also maps a full-size radiograph onto the training geometry.
_base_ = ['./phantom_v2_hand_seg.py']
data_root = 'data/rsna100'
img_scale = (128, 128)
train_pipeline = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
         with_mask=True),
    dict(_scope_='mmdet', type='Resize', scale=img_scale, keep_ratio=False),
    dict(_scope_='mmdet', type='RandomFlip', prob=0.5),
    dict(_scope_='mmdet', type='PackDetInputs'),
]
test_pipeline = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='Resize', scale=img_scale, keep_ratio=False),
    dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
         with_mask=True),
    dict(_scope_='mmdet', type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
_val = dict(data_root=data_root,
            ann_file='annotations/val_pseudo_hand_masks.json',
            data_prefix=dict(img='val/'), pipeline=test_pipeline)
train_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file='annotations/train_pseudo_hand_masks.json',
    data_prefix=dict(img='train/'), pipeline=train_pipeline))
val_dataloader = dict(dataset=_val)
test_dataloader = dict(dataset=_val)
_ann = data_root + '/annotations/val_pseudo_hand_masks.json'
val_evaluator = [
    dict(_scope_='mmdet', type='CocoMetric', ann_file=_ann,
         metric=['bbox', 'segm'], format_only=False),
    dict(type='HandMaskIoUMetric', ann_file=_ann),
]
test_evaluator = val_evaluator
