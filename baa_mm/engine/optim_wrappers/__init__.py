from .bf16_optim_wrapper import Bf16OptimWrapper

__all__ = ['Bf16OptimWrapper']
