# PRSNet with every part's feature from res5 of the part CNN, whatever the
# level its anchor was scored on (baa_mm's behaviour before the paper's
# per-level features became the default; the figures of
# ./prsnet_r18_1xb32-20e_phantom-64px.py measured before 2026-12-01 are
# this variant's).
_base_ = ['./prsnet_r18_1xb32-20e_phantom-64px.py']
model = dict(
    part_extractor=dict(part_levels=None, backbone=dict(out_indices=(3, ))))
