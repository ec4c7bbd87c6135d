# The hierarchical VGG with globally pooled side connections (the paper's
# suggested saving): blocks 3 and 4 are average-pooled to (N, C) before
# their 256-unit FCs, so the connections hold 65,792 + 131,328 parameters
# instead of 12,583,168 + 6,291,712 at 192 x 64 (Eq. 1).
_base_ = ['./hierarchical-vgg_vgg16-bn_1xb32-12e_wbphantom-64x192px.py']
model = dict(neck=dict(global_pool=True))
