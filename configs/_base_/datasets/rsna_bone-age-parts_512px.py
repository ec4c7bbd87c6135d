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

# The RSNA challenge release exactly as downloaded (data/README.md; check a
# download with `python tools/dataset_converters/prepare_rsna.py ROOT`):
#   ROOT/train.csv                        id,boneage,male
#   ROOT/boneage-training-dataset/        (images, at any depth)
#   ROOT/Bone age ground truth.xlsx       Case ID,Sex,Ground truth bone age
#   ROOT/boneage-test-dataset/            (the 200 test images)
# Model selection (save_best, plateau rules) uses a 10 % holdout of
# train.csv carved by id hash (the same ids on every machine); the official
# test set is reported. The test ground truth circulates in two versions:
# a figure names its file's sha256 (prepare_rsna.py prints it). The Kaggle
# mirror names the training table 'boneage-training-dataset.csv' (set
# _train['ann_file']); its test table has no ages (put the release's xlsx
# beside it). The release's validation set (1,425 images in two folders
# under 'Bone Age Validation Set/') can be a second reported split:
#   dict(ann_file='Bone Age Validation Set/Validation Dataset.csv',
#        data_prefix=dict(img_path=[
#            'Bone Age Validation Set/boneage-validation-dataset-1',
#            'Bone Age Validation Set/boneage-validation-dataset-2']),
#        img_search='recursive')
_loader = dict(batch_size=16, num_workers=4)
_train = dict(data_root=data_root, ann_file='train.csv',
              data_prefix=dict(img_path='boneage-training-dataset'),
              img_search='recursive')
train_dataloader = dict(**_loader, dataset=dict(
    **_train, id_subset=dict(holdout=0.1, part='rest'),
    pipeline=train_pipeline))
val_dataloader = dict(**_loader, dataset=dict(
    **_train, id_subset=dict(holdout=0.1, part='holdout'),
    pipeline=test_pipeline))
test_dataloader = dict(**_loader, dataset=dict(
    data_root=data_root, ann_file='Bone age ground truth.xlsx',
    data_prefix=dict(img_path='boneage-test-dataset'),
    img_search='recursive', pipeline=test_pipeline))
