from .part_ranking_loss import PartRankingLoss

__all__ = ['PartRankingLoss']
