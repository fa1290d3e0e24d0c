"""poam: the SSP and the POA&M of a CMMC Level 2 system as one living, consistent record."""

__version__ = "0.1.0"
