from .checkpoint import mmengine_checkpoint_globals
from .dist import init_cpu_process_group
from .setup_env import register_all_modules

__all__ = [
    'register_all_modules', 'mmengine_checkpoint_globals',
    'init_cpu_process_group'
]
