# ./baseline-dist_r18_1xb64-60e_rsna100-all-128px.py at the thumbnails' own
# 100 x 100 (no upsampling before the network): the input-size lever of the
# rsna100 recipe study, about 0.6x the compute per step. All 10,000
# training images, a fixed 60 epochs, the last checkpoint; nothing selected.
#   python tools/train.py configs/baseline/baseline-dist_r18_1xb64-60e_rsna100-all-100px.py \
#       --data-root ../shared/data/rsna100
_base_ = ['./baseline-dist_r18_1xb64-60e_rsna100-all-128px.py']
img_size = 100
train_pipeline = [
    dict(type='LoadRadiograph'),
    {{_base_.source_grid}},
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=15., scale=(0.9, 1.1),
         max_shift=0.05),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    {{_base_.source_grid}},
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
