# "Age as a distribution" on the rsna100 EMA recipe: the same ResNet-18 +
# sex model, data, schedule and EMA as
# ./baseline-ema_r18_1xb64-40e_rsna100-128px.py with only the head swapped
# for BoneAgeDistributionHead (241 classes, one per month over 0-240,
# Gaussian soft labels of half-width 24 months, cross-entropy + 0.1 x L1 of
# the expected age; the prediction is the expected age). in_channels,
# sex_embed_dims, hidden_dims and age_mean/std come from the base head; its
# L1 regression loss is replaced (_delete_).
#   python tools/train.py configs/baseline/baseline-dist_r18_1xb64-40e_rsna100-128px.py \
#       --data-root ../shared/data/rsna100
_base_ = ['./baseline-ema_r18_1xb64-40e_rsna100-128px.py']
model = dict(
    head=dict(
        type='BoneAgeDistributionHead',
        num_bins=241,
        max_age=240.,
        delta=24.,
        kernel='gaussian',
        l1_weight=0.1,
        loss=dict(
            _delete_=True,
            _scope_='mmpretrain',
            type='CrossEntropyLoss',
            use_soft=True)))
