from .conv_pool_neck import ConvPoolNeck

__all__ = ['ConvPoolNeck']
