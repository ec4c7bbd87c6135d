from .checkpoint import load_local_checkpoint, mmengine_checkpoint_globals
from .config import reroot_ann_files
from .dist import init_cpu_process_group
from .setup_env import register_all_modules

__all__ = [
    'register_all_modules', 'mmengine_checkpoint_globals',
    'init_cpu_process_group', 'reroot_ann_files', 'load_local_checkpoint'
]
