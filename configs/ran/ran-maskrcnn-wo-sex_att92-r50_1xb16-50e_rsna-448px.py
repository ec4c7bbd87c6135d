# Ablation of the published model: without the sex input (reported 10 months).
_base_ = ['./ran-maskrcnn_att92-r50_1xb16-50e_rsna-448px.py']
model = dict(head=dict(sex_embed_dims=0))
