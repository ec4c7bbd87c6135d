from .conv_pool_neck import ConvPoolNeck
from .hierarchical_fc_neck import HierarchicalFCNeck

__all__ = ['ConvPoolNeck', 'HierarchicalFCNeck']
