# Ablation: without the sex input (reported 10 months).
_base_ = ['./ran-maskrcnn_att92-r18_1xb16-12e_phantom-v2-128px.py']
model = dict(head=dict(sex_embed_dims=0))
