"""The poam web application (Django): organizations, systems, the living SSP and POA&M.

Django lives only here. Rows become core objects at one seam (:mod:`poam.web.workbench.seam`),
and every score, verdict and finding comes from :func:`poam.core.assess.assess`.
"""
