# PRSNet ablation, without the part relation modules.
_base_ = ['./prsnet_r18_1xb32-20e_phantom-64px.py']
model = dict(with_relation=False)
