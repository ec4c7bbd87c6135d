# Whole-body CT bone images (2-D frontal projections, ages in years), in the
# WholeBodyCTDataset layout: <data_root>/{train,val,test}.csv (id,age[,sex])
# + <data_root>/{train,val,test}/<id>.png (8/16-bit PNG or DICOM).
# Nguyen & Kim: resize to 256, random crop 224, horizontal flip, z-score
# normalisation (the data preprocessor's mean/std). The paper squashes or
# keeps the ~3.3:1 aspect ratio (not stated): this base squashes; the
# `*-keep-ratio*` configs keep it and pad (see configs/wholebody_ct/README.md).
dataset_type = 'WholeBodyCTDataset'
data_root = 'data/wholebody_ct'
resize = 256
crop = 224
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(resize, resize), keep_ratio=False,
         interpolation='area'),
    dict(type='mmpretrain.RandomCrop', crop_size=crop),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(resize, resize), keep_ratio=False,
         interpolation='area'),
    dict(type='CenterCrop', crop_size=crop),
    dict(type='PackBoneAgeInputs'),
]
_split = dict(type=dataset_type, data_root=data_root)
train_dataloader = dict(
    batch_size=256,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**_split, ann_file='train.csv',
                 data_prefix=dict(img_path='train'),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**_split, ann_file='val.csv',
                 data_prefix=dict(img_path='val'), test_mode=True,
                 pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**_split, ann_file='test.csv',
                 data_prefix=dict(img_path='test'), test_mode=True,
                 pipeline=test_pipeline))
# MAE in years, per sex and per adult age band (0-18, 18-40, 40-60, 60+)
val_evaluator = dict(type='BoneAgeMetric')
test_evaluator = val_evaluator
