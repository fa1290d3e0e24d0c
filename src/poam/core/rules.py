"""The paragraphs of the regulation and methodology that poam's decisions rest on.

Every score deduction, verdict reason and finding carries one of these citations, so that the
user can look the rule up. Sources a reader can get: 32 CFR part 170 (in force 2024-12-16), DFARS
subpart 204.75 (the CMMC acquisition rule), the DoD NIST SP 800-171 Assessment Methodology v1.2.1
(AM), NIST SP 800-171 Rev 2 and SP 800-171A; where poam applies an assessor's practice that no
paragraph states, the citation names the section of poam's docs/rules.md that says what poam
checks and why (``docs/rules.md#anchor``).
"""

from __future__ import annotations

# Scoring, 32 CFR 170.24
SCORE_START = "32 CFR 170.24(c)(2)(i)(B)"
"""Start at 110 and subtract the value of each requirement NOT MET."""
MET_ALL_OBJECTIVES = "32 CFR 170.24(b)(1)"
"""A requirement is MET only when all its objectives are MET (or NOT APPLICABLE)."""
NOT_APPLICABLE_IS_MET = "32 CFR 170.24(b)(3)"
ENDURING_EXCEPTION_IS_MET = "32 CFR 170.24(b)(1)(i)"
TEMPORARY_DEFICIENCY_IS_MET = "32 CFR 170.24(b)(1)(ii)"
TEMPORARY_DEFICIENCY_AFTER_IMPLEMENTATION = "32 CFR 170.4 (temporary deficiency); 170.24(b)(1)(ii)"
"""A temporary deficiency "arises after implementation": never an initial implementation."""
TEMPORARY_DEFICIENCY_NEEDS_3_12_2 = (
    "32 CFR 170.24(b)(1)(ii); NIST SP 800-171 Rev 2 3.12.2 (the operational plan of action)"
)
"""The operational plan of action that makes a temporary deficiency MET is the 3.12.2 artifact."""
NOT_MET_DEDUCTS = "32 CFR 170.24(c)(2)(i)(B)"
PARTIAL_CREDIT_MFA = "32 CFR 170.24(c)(2)(i)(B)(4)(i)"
PARTIAL_CREDIT_MFA_PRIVILEGED = "32 CFR 170.24(c)(2)(i)(B)(4)(i); NIST SP 800-171A 3.5.3[a]-[c]"
"""3 points only when MFA really covers privileged accounts (objectives a-c MET)."""
PARTIAL_CREDIT_ENCRYPTION = "32 CFR 170.24(c)(2)(i)(B)(4)(ii)"
PARTIAL_CREDIT_APPLIES = "32 CFR 170.24(b)(3), (c)(2)(i)(B)(4)"
"""A recorded MFA or encryption state says the requirement applies: it cannot be N/A."""
SSP_REQUIRED = "32 CFR 170.24(c)(2)(i)(B)(5)"
"""CA.L2-3.12.4 has no value: without an SSP the assessment cannot be completed."""
POAM_STILL_NOT_MET = "32 CFR 170.24(c)(2)(i)(B)(6)"
UNASSESSED_IS_NOT_MET = "32 CFR 170.24(b)(1); AM v1.2.1 §5"
"""A requirement the SSP does not address has not been shown to be MET."""

# Conditional status, 32 CFR 170.21(a)(2)
CONDITIONAL_SCORE = "32 CFR 170.21(a)(2)(i)"
"""Score / 110 >= 0.8, i.e. at least 88 points."""
CONDITIONAL_POINT_VALUE = "32 CFR 170.21(a)(2)(ii)"
"""Only 1-point requirements, and 3.13.11 at 3 points when encryption is not FIPS-validated."""
CONDITIONAL_EXCLUDED = "32 CFR 170.21(a)(2)(iii)"
"""3.1.20, 3.1.22, 3.12.4, 3.10.3, 3.10.4 and 3.10.5 may never be on a POA&M."""
CONDITIONAL_STATUS = "32 CFR 170.21(a)(2); 170.16(a)(1)(i) (self), 170.17(a)(1)(i) (C3PAO)"
FINAL_STATUS = "32 CFR 170.16(a)(1)(ii) (self), 170.17(a)(1)(ii) (C3PAO)"
"""Final Level 2: every requirement MET, or the POA&M closed out."""
CLOSEOUT = "32 CFR 170.21(b)"
"""Close the POA&M within 180 days of the Conditional status date, or the status expires."""
CONDITIONAL_POAM_SCOPE = "32 CFR 170.21(a), (b)"
"""The POA&M of a Conditional status holds the NOT MET requirements of that assessment, and its
closeout assesses only those."""

# The status over time: DFARS 204.7501 ("current") and 32 CFR 170.22 (affirmations)
STATUS_VALIDITY = "DFARS 204.7501 (current: not older than 3 years); 32 CFR 170.16(a), 170.17(a)"
AFFIRMATION = "32 CFR 170.22(a); DFARS 204.7501 (an affirmation no older than 1 year)"
NO_CHANGE_IN_COMPLIANCE = (
    "DFARS 204.7501 (current: no changes in compliance since the assessment); 32 CFR 170.22(a)"
)
SPRS_ENTRY = "DoD Assessment Methodology v1.2.1, Annex B; 32 CFR 170.16, 170.17, 170.22"

# What an assessor expects of a POA&M and an SSP: NIST's requirements, applied as docs/rules.md says
SSP_DESCRIBES_EACH = "NIST SP 800-171 Rev 2 3.12.4; 32 CFR 170.24(c)(2)(i)(B)(5)"
SSP_UP_TO_DATE = "NIST SP 800-171A 3.12.4[g], [h]; docs/rules.md#the-ssp-kept-current"
POAM_FOR_EACH_GAP = "NIST SP 800-171 Rev 2 3.12.2; AM v1.2.1 §5"
POAM_ENTRY_CONTENT = "NIST SP 800-171 Rev 2 3.12.2; docs/rules.md#what-a-poam-entry-holds"
POAM_RECONCILED = "NIST SP 800-171 Rev 2 3.12.2, 3.12.4; docs/rules.md#the-poam-and-the-ssp-agree"
POAM_REVIEWED = "NIST SP 800-171 Rev 2 3.12.1, 3.12.2; docs/rules.md#reviews"
MILESTONE_CHANGE_JUSTIFIED = "NIST SP 800-171 Rev 2 3.12.2; docs/rules.md#moving-a-milestone"
EVIDENCE_FOR_COMPLETION = "NIST SP 800-171A 3.12.2[c]; docs/rules.md#evidence"
EVIDENCE_INTEGRITY = "NIST SP 800-171A 3.12.2[c]; docs/rules.md#evidence (SHA-256)"
OBJECTIVES_171A = "NIST SP 800-171A; 32 CFR 170.24(b)(1)"
RECORD_DATES = "NIST SP 800-171 Rev 2 3.12.2, 3.12.4; docs/rules.md#dates-in-the-future"
REV2_NUMBERING = "32 CFR 170.14(c)(3) (NIST SP 800-171 Rev 2)"
"""CMMC Level 2 assesses the requirements of Rev 2; Rev 3 renumbered and merged them."""
