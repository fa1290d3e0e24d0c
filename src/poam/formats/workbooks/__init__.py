"""Workbooks (XLSX, and CSV where one sheet is enough) in the layouts the field uses.

One module per layout, each with a writer and an all-or-nothing reader: ``emass`` (the eMASS
POA&M import template), ``fedramp`` (FedRAMP POA&M template v2.1), ``nist`` (the NIST SP 800-171
plan-of-action columns) and ``ssp_workbook`` (an SSP, one row per requirement and per objective).
Readers match headers by text, never by column letter; see ``docs/workbooks.md``.
"""
