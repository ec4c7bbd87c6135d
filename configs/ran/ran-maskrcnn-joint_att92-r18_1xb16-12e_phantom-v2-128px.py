# Jointly trained instead of end to end: the regressor sees the image times
# a binary hand mask, so its loss does not reach the segmenter (baa_mm's
# behaviour before the paper's soft coupling became the default; the
# figures of ./ran-maskrcnn_att92-r18_1xb16-12e_phantom-v2-128px.py measured
# before 2026-12-01 are this variant's).
_base_ = ['./ran-maskrcnn_att92-r18_1xb16-12e_phantom-v2-128px.py']
model = dict(coupling='hard')
