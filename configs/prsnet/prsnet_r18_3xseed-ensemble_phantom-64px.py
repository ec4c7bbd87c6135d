# Test-only: the mean of three PRSNet phantom models trained with seeds 0-2.
#   for s in 0 1 2; do python tools/train.py \
#       configs/prsnet/prsnet_r18_1xb32-20e_phantom-64px.py \
#       --work-dir work_dirs/phantom_hr/prsnet_seed$s \
#       --cfg-options randomness.seed=$s; done
#   python tools/test.py configs/prsnet/prsnet_r18_3xseed-ensemble_phantom-64px.py
# (equivalently: tools/test.py <single-model config> a.pth b.pth c.pth)
_base_ = ['./prsnet_r18_1xb32-20e_phantom-64px.py']
model = dict(
    _delete_=True,
    type='BoneAgeEnsemble',
    model={{_base_.model}},
    checkpoints=[
        f'work_dirs/phantom_hr/prsnet_seed{s}/epoch_20.pth' for s in range(3)
    ])
test_evaluator = [dict(type='BoneAgeMetric')]
