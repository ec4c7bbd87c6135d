# Hand instance masks of phantom v2 (tags, markers, rulers, collimation and
# second hands; every hand is an instance):
#   python tools/dataset_converters/generate_phantom.py data/phantom_v2 \
#       --style v2 --num-train 800 --num-val 100 --num-test 200
dataset_type = 'HandSegDataset'
data_root = 'data/phantom_v2'
img_scale = (256, 256)

train_pipeline = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
         with_mask=True),
    dict(_scope_='mmdet', type='Resize', scale=img_scale, keep_ratio=True,
         interpolation='area'),
    dict(_scope_='mmdet', type='RandomFlip', prob=0.5),
    dict(_scope_='mmdet', type='PackDetInputs'),
]
test_pipeline = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='Resize', scale=img_scale, keep_ratio=True,
         interpolation='area'),
    dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
         with_mask=True),
    dict(_scope_='mmdet', type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]


train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(_scope_='mmdet', type='AspectRatioBatchSampler'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/train_hand_masks.json',
        data_prefix=dict(img='train/'),
        test_mode=False,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/val_hand_masks.json',
        data_prefix=dict(img='val/'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/test_hand_masks.json',
        data_prefix=dict(img='test/'),
        test_mode=True,
        pipeline=test_pipeline))

# Annotation files are read under the evaluated dataset's data_root, so
# --data-root / a changed data_root moves them too.
val_evaluator = [
    dict(type='HandCocoMetric', ann_file='annotations/val_hand_masks.json',
         metric=['bbox', 'segm'], format_only=False),
    dict(type='HandMaskIoUMetric',
         ann_file='annotations/val_hand_masks.json'),
]
test_evaluator = [
    dict(type='HandCocoMetric', ann_file='annotations/test_hand_masks.json',
         metric=['bbox', 'segm'], format_only=False),
    dict(type='HandMaskIoUMetric',
         ann_file='annotations/test_hand_masks.json'),
]
