# RSNA Pediatric Bone Age at full resolution (data/README.md), 512 x 512
# network input, the full-resolution image kept for part crops (PRSNet).
#   python tools/train.py CONFIG --data-root /path/to/rsna
_base_ = ['./rsna100_bone-age_128px.py']
data_root = 'data/rsna'
img_size = 512

# PRSNet's augmentation: flips, rotation, shift and scale.
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=20., scale=(0.85, 1.15),
         max_shift=0.1),
    # Copy before the resize; longer side capped at 2048 px (memory).
    dict(type='StoreFullResImage', max_size=2048),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StoreFullResImage', max_size=2048),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]

# Loaders and metric as for the RSNA thumbnails (same layout and splits).
_loader = dict(batch_size=16, num_workers=4)
train_dataloader = dict(
    **_loader, dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    **_loader, dataset=dict(data_root=data_root, pipeline=test_pipeline))
# Put the RSNA test set (test.csv + test/) here to report test MAE; by default
# the validation split is evaluated.
test_dataloader = dict(
    **_loader, dataset=dict(data_root=data_root, pipeline=test_pipeline))
