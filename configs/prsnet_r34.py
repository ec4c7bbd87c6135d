# The PRSNet entry point: `python tools/train.py configs/prsnet_r34.py`
# (RSNA data under data/rsna, or add --data-root /path/to/rsna).
# Same as configs/prsnet/prsnet_r34_1xb16-100e_rsna-512px.py.
_base_ = ['./prsnet/prsnet_r34_1xb16-100e_rsna-512px.py']
