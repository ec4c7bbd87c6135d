# Phase II on the RSNA thumbnails with regions R1+R2: AdamW
# one-cycle, 4 epochs, batch 64, bf16, 96 px (see ./README.md).
_base_ = ['./agr-h-r1-e_r18_1xb64-4e_rsna100-96px.py']
data_root = 'data/rsna100'
img_size = 96
regions = ('R1', 'R2')
pipeline = [
    dict(type='LoadRadiograph'),
    # the thumbnails' grid (see ../_base_/datasets/rsna100_bone-age_128px.py)
    dict(type='SourceGrid', size=(100, 100), interpolation='nearest-exact'),
    dict(type='StackRegions', regions=regions, size=img_size),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, id_subset=dict(holdout=0.1, part='rest'),
    region_file='annotations/train_regions.json', pipeline=pipeline))
# selection (save_best) on a 10 % hash-carved holdout of train.csv, never
# on the reported val.csv
val_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, ann_file='train.csv',
    data_prefix=dict(img_path='train'),
    id_subset=dict(holdout=0.1, part='holdout'),
    region_file='annotations/val_regions.json', pipeline=pipeline))
# rsna100 has no labelled test split: val.csv is reported
test_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, ann_file='val.csv', data_prefix=dict(img_path='val'),
    region_file='annotations/test_regions.json', pipeline=pipeline))
model = dict(backbone=dict(in_channels=len(regions)))
