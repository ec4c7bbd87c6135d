from .checkpoint import (checkpoint_safe_globals, load_local_checkpoint,
                         mmengine_checkpoint_globals)
from .hooks import BoneAgeVisualizationHook
from .optim_wrappers import Bf16OptimWrapper

__all__ = [
    'BoneAgeVisualizationHook', 'Bf16OptimWrapper', 'checkpoint_safe_globals',
    'load_local_checkpoint', 'mmengine_checkpoint_globals'
]
