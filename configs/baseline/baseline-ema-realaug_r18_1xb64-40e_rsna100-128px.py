# The rsna100 EMA recipe (./baseline-ema_r18_1xb64-40e_rsna100-128px.py:
# flip + affine) plus augmentation for what real collections do to a
# radiograph: another resolution history (RandomResample: down to 40-100 %
# with nearest, area or bilinear sampling and back up, half of the images)
# and another exposure curve (RandomGammaContrast: gamma 0.7-1.4, contrast
# 0.8-1.2, brightness +-0.1, 80 % of the images). Measured for what it buys
# on val.csv and on the full-size vs thumbnail consistency of the same ids
# (tools/analysis_tools/resolution_consistency.py).
#   python tools/train.py configs/baseline/baseline-ema-realaug_r18_1xb64-40e_rsna100-128px.py \
#       --data-root ../shared/data/rsna100
_base_ = ['./baseline-ema_r18_1xb64-40e_rsna100-128px.py']
img_size = 128
train_pipeline = [
    dict(type='LoadRadiograph'),
    {{_base_.source_grid}},
    dict(type='RandomResample', scale_range=(0.4, 1.0),
         down=('nearest', 'area', 'bilinear'), up=('bilinear', 'bicubic'),
         prob=0.5),
    dict(type='RandomGammaContrast', gamma_range=(0.7, 1.4),
         contrast_range=(0.8, 1.2), brightness_range=(-0.1, 0.1), prob=0.8),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=15., scale=(0.9, 1.1),
         max_shift=0.05),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
