# PRSNet ablation, baseline ResNet-34 + sex (reported 6.52 months).
_base_ = ['./prsnet_r34_1xb16-100e_rsna-512px.py']
model = dict(with_relation=False, with_selection=False)
