"""Take-home pay under each jurisdiction's rules."""

from calculators.tax.engine import TaxResult, compute, get_jurisdiction, supported_codes

__all__ = ["TaxResult", "compute", "get_jurisdiction", "supported_codes"]
