"""The paragraphs of the regulation and methodology that poam's decisions rest on.

Every score deduction, verdict reason and finding carries one of these citations, so that the
user can look the rule up. Sources: 32 CFR part 170 (in force 2024-12-16), the DoD NIST SP 800-171
Assessment Methodology v1.2.1 (AM), NIST SP 800-171 Rev 2 and SP 800-171A.
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
NOT_MET_DEDUCTS = "32 CFR 170.24(c)(2)(i)(B)"
PARTIAL_CREDIT_MFA = "32 CFR 170.24(c)(2)(i)(B)(4)(i)"
PARTIAL_CREDIT_ENCRYPTION = "32 CFR 170.24(c)(2)(i)(B)(4)(ii)"
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
CONDITIONAL_STATUS = "32 CFR 170.21(a)(2)"
FINAL_STATUS = "32 CFR 170.17(a)(1)(ii), 170.18(a)(1)(ii)"
"""Final Level 2: every requirement MET (or closed out through a POA&M closeout)."""
CLOSEOUT = "32 CFR 170.21(b)"
"""Close the POA&M within 180 days of the Conditional status date, or the status expires."""

# What an assessor expects of a POA&M and an SSP (RULES.md, "What the seed article asks").
SSP_DESCRIBES_EACH = "NIST SP 800-171 Rev 2 3.12.4; 32 CFR 170.24(c)(2)(i)(B)(5)"
POAM_FOR_EACH_GAP = "NIST SP 800-171 Rev 2 3.12.2; AM v1.2.1 §5"
POAM_ENTRY_CONTENT = "NIST SP 800-171 Rev 2 3.12.2; DoD POA&M practice (RULES.md)"
POAM_RECONCILED = "NIST SP 800-171 Rev 2 3.12.2, 3.12.4; POA&M/SSP reconciliation (RULES.md)"
POAM_REVIEWED = "NIST SP 800-171 Rev 2 3.12.1, 3.12.2; review cadence (RULES.md)"
MILESTONE_CHANGE_JUSTIFIED = (
    "NIST SP 800-171 Rev 2 3.12.2; extensions need a justification (RULES.md)"
)
EVIDENCE_FOR_COMPLETION = "NIST SP 800-171A 3.12.2; completed entries need evidence (RULES.md)"
EVIDENCE_INTEGRITY = "NIST SP 800-171A 3.12.2; evidence integrity (SHA-256)"
OBJECTIVES_171A = "NIST SP 800-171A; 32 CFR 170.24(b)(1)"
