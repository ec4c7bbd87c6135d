# The Region-1 localiser on the RSNA thumbnails (data/rsna100: train/, val/, *.csv linked
# from ../shared/data/rsna100, annotations/ written here; see ./README.md):
# AdamW one-cycle, 4 epochs, batch 64, bf16. The "full resolution" the boxes
# are taken from is the 100 px thumbnail.
_base_ = ['./cam-r1_r18_1xb32-12e_phantom-hr-160px.py']
data_root = 'data/rsna100'
img_size = 128
train_pipeline = [
    dict(type='LoadRadiograph'),
    # the thumbnails' grid (see ../_base_/datasets/rsna100_bone-age_128px.py)
    dict(type='SourceGrid', size=(100, 100), interpolation='nearest-exact'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=15., scale=(0.9, 1.1),
         max_shift=0.05),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(128, 128), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    # the thumbnails' grid (see ../_base_/datasets/rsna100_bone-age_128px.py)
    dict(type='SourceGrid', size=(100, 100), interpolation='nearest-exact'),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(128, 128), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, id_subset=dict(holdout=0.1, part='rest'), pipeline=train_pipeline))
# selection (save_best) on a 10 % hash-carved holdout of train.csv, never
# on the reported val.csv
val_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, ann_file='train.csv',
    data_prefix=dict(img_path='train'),
    id_subset=dict(holdout=0.1, part='holdout'), pipeline=test_pipeline))
# rsna100 has no labelled test split: the val split is reported (the
# last epoch's checkpoint is tested; nothing is selected on it)
test_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, ann_file='val.csv', data_prefix=dict(img_path='val'),
    pipeline=test_pipeline))
train_cfg = dict(max_epochs=4, val_interval=4)
test_evaluator = dict(_delete_=True, type='BoneAgeMetric')
