# Chen et al., phase I as published: the Region-2 localiser, trained and
# applied on images whose Region-1 is replaced by random values. Needs the
# R1 boxes of the splits (tools/analysis_tools/localize_regions.py --out
# data/rsna/annotations/{train,test}_regions.json).
_base_ = ['./cam-r1_inception-v3_1xb32-70e_rsna-560px.py']
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='EraseRegion', region='R1'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=20., scale=(0.85, 1.15),
         max_shift=0.1),
    dict(type='StoreFullResImage', max_size=2048),
    dict(type='Resize', scale=(560, 560), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='EraseRegion', region='R1', noise_seed=0),
    dict(type='StoreFullResImage', max_size=2048),
    dict(type='Resize', scale=(560, 560), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(
    region_file='annotations/train_regions.json', region_names=('R1', ),
    pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(
    region_file='annotations/val_regions.json', region_names=('R1', ),
    pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(
    region_file='annotations/test_regions.json', region_names=('R1', ),
    pipeline=test_pipeline))
# R1 is kept out of the R2 box: the map can peak on the erased patch itself
model = dict(region='R2', exclude=('R1', ), head=dict(pool='max'))
