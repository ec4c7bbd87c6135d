from .config import apply_data_root
from .cpu_features import cpu_has_fast_bf16
from .dist import (close_process_group, init_cpu_process_group, init_launcher,
                   setup_launcher)
from .memory import cuda_peak_mib, peak_rss_mib
from .setup_env import register_all_modules

__all__ = [
    'register_all_modules', 'init_cpu_process_group', 'setup_launcher',
    'apply_data_root', 'close_process_group', 'init_launcher',
    'cpu_has_fast_bf16', 'peak_rss_mib', 'cuda_peak_mib'
]
