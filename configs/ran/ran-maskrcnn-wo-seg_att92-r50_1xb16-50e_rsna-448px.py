# Ablation of the published model: without the segmenter: regression on the whole image (reported 12 months on tagged images).
_base_ = ['./ran-maskrcnn_att92-r50_1xb16-50e_rsna-448px.py']
model = dict(segmenter=None)
