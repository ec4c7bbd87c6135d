# Built-in synthetic hand radiographs (make demo / generate_phantom.py).
#   python tools/dataset_converters/generate_phantom.py data/phantom
dataset_type = 'RSNABoneAgeDataset'
data_root = 'data/phantom'
# The generator writes 256x256 images; the demo trains at 128x128.
img_size = 128

train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]

train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='train.csv',
        data_prefix=dict(img_path='train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='val.csv',
        data_prefix=dict(img_path='val'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='test.csv',
        data_prefix=dict(img_path='test'),
        test_mode=True,
        pipeline=test_pipeline))

val_evaluator = dict(type='BoneAgeMetric')
test_evaluator = val_evaluator
