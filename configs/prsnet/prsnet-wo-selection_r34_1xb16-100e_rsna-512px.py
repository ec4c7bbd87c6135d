# PRSNet ablation, without part selection (reported 5.20 months).
_base_ = ['./prsnet_r34_1xb16-100e_rsna-512px.py']
model = dict(with_selection=False)
