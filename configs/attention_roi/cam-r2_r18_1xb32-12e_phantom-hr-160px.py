# CPU-sized Region-2 localiser (Chen et al., phase I): the R1 localiser
# trained and applied on images whose Region-1 is replaced by random values
# (EraseRegion), so that its map must find another region. Needs the R1
# boxes of every split first:
#   python tools/analysis_tools/localize_regions.py \
#       configs/attention_roi/cam-r1_r18_1xb32-12e_phantom-hr-160px.py \
#       CKPT --split {train,val,test} \
#       --out data/phantom_hr/annotations/{split}_regions.json
_base_ = ['./cam-r1_r18_1xb32-12e_phantom-hr-160px.py']
img_size = 160
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='EraseRegion', region='R1'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=10., scale=(0.9, 1.1),
         max_shift=0.05),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='EraseRegion', region='R1', noise_seed=0),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
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
