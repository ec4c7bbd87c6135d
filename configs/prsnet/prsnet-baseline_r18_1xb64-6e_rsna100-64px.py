# PRSNet ablation on rsna100, baseline: plain ResNet-18 + sex.
_base_ = ['./prsnet_r18_1xb64-6e_rsna100-64px.py']
model = dict(with_relation=False, with_selection=False)
