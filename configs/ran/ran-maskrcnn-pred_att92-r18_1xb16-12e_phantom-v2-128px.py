# End to end, and training regresses on the segmenter's chosen hand (as at
# inference) instead of the annotated one.
_base_ = ['./ran-maskrcnn_att92-r18_1xb16-12e_phantom-v2-128px.py']
model = dict(regress_on='pred')
