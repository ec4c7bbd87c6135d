# PRSNet ablation, without the part relation modules (reported 5.05 months).
_base_ = ['./prsnet_r34_1xb16-100e_rsna-512px.py']
model = dict(with_relation=False)
