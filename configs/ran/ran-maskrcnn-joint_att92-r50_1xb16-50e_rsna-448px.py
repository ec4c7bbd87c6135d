# The published-size model jointly trained instead of end to end: binary
# hand masks, the regression loss stops at the regressor.
_base_ = ['./ran-maskrcnn_att92-r50_1xb16-50e_rsna-448px.py']
model = dict(coupling='hard')
