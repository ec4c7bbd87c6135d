# RSNA Pediatric Bone Age, 100x100 thumbnails (train 10,000 / val 1,000).
# Point data_root at the folder holding train/, train.csv, val/, val.csv, e.g.
#   python tools/train.py CONFIG --data-root ../shared/data/rsna100
# The same RSNA-style layout and loaders as the phantoms; here batches of 64
# and affine augmentation.
_base_ = ['./phantom_bone-age_128px.py']
data_root = 'data/rsna100'
img_size = 128
# The thumbnails are the RSNA originals squashed to 100 x 100 by centre
# point sampling (PIL NEAREST; SourceGrid's docstring has the measurement).
# A larger image (a full-size original, a DICOM) is first brought onto that
# grid the same way, so that a model trained here gives it the age it gives
# its thumbnail; the thumbnails pass unchanged.
source_grid = dict(type='SourceGrid', size=(100, 100),
                   interpolation='nearest-exact')

train_pipeline = [
    dict(type='LoadRadiograph'),
    source_grid,
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=15., scale=(0.9, 1.1),
         max_shift=0.05),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    source_grid,
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]

# Model selection (save_best, ReduceOnPlateau) never sees the reported split:
# it uses a selection split of about 10 % carved out of train.csv by id hash
# (the same ids on every machine; list them with
# tools/dataset_converters/carve_selection_split.py), and the figures are
# reported on val.csv, which no config selects on.
selection = dict(holdout=0.1)
train_dataloader = dict(
    batch_size=64,
    dataset=dict(data_root=data_root, pipeline=train_pipeline,
                 id_subset=dict(**selection, part='rest')))
val_dataloader = dict(
    batch_size=64,
    dataset=dict(data_root=data_root, ann_file='train.csv',
                 data_prefix=dict(img_path='train'), pipeline=test_pipeline,
                 id_subset=dict(**selection, part='holdout')))
test_dataloader = dict(
    batch_size=64,
    dataset=dict(
        data_root=data_root, ann_file='val.csv',
        data_prefix=dict(img_path='val'), pipeline=test_pipeline))
