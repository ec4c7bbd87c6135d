# Phantoms whose age cues are small at the network's input size: generated at
# 256 px, the global branch sees 64 px, PRSNet's parts are cropped from the
# 256 px original (StoreFullResImage).
#   python tools/dataset_converters/generate_phantom.py data/phantom_hr \
#       --num-train 2000 --num-val 200 --num-test 500 --seed 1
_base_ = ['./phantom_bone-age_128px.py']
data_root = 'data/phantom_hr'
img_size = 64

train_pipeline = [
    dict(type='LoadRadiograph'),
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
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
