# The Region-2 localiser (R1 erased) on the RSNA thumbnails (data/rsna100: train/, val/, *.csv linked
# from ../shared/data/rsna100, annotations/ written here; see ./README.md):
# AdamW one-cycle, 4 epochs, batch 64, bf16. The "full resolution" the boxes
# are taken from is the 100 px thumbnail.
_base_ = ['./cam-r1_r18_1xb64-4e_rsna100-128px.py']
data_root = 'data/rsna100'
img_size = 128
train_pipeline = [
    dict(type='LoadRadiograph'),
    # the thumbnails' grid (see ../_base_/datasets/rsna100_bone-age_128px.py)
    dict(type='SourceGrid', size=(100, 100), interpolation='nearest-exact'),
    dict(type='EraseRegion', region='R1'),
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
    dict(type='EraseRegion', region='R1', noise_seed=0),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(128, 128), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, id_subset=dict(holdout=0.1, part='rest'),
    region_file='annotations/train_regions.json', region_names=('R1', ),
    pipeline=train_pipeline))
# selection (save_best) on a 10 % hash-carved holdout of train.csv, never
# on the reported val.csv
val_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, ann_file='train.csv',
    data_prefix=dict(img_path='train'),
    id_subset=dict(holdout=0.1, part='holdout'),
    region_file='annotations/val_regions.json', region_names=('R1', ),
    pipeline=test_pipeline))
# rsna100 has no labelled test split: the val split is reported (the
# last epoch's checkpoint is tested; nothing is selected on it)
test_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, ann_file='val.csv', data_prefix=dict(img_path='val'),
    region_file='annotations/test_regions.json', region_names=('R1', ),
    pipeline=test_pipeline))
# R1 is kept out of the R2 box: the map can peak on the erased patch itself
model = dict(region='R2', exclude=('R1', ), head=dict(pool='max'))
