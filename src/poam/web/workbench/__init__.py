"""The workbench: organizations, systems, SSP records, POA&Ms, history, and the pages over them."""
